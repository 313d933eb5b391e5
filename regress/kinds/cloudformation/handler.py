"""CloudFormation templates: the scanner suppressions they declare.

A template is a YAML or JSON file; only its content says so. Every changed YAML/JSON file passes
here (after the kinds that own files by name or place: workflows, pipelines, charts, compose
files), so the claim is decided on bytes first, as the OpenShift Template handler does:

- no ``AWS::`` and no ``AWSTemplateFormatVersion`` anywhere: not a template (the registry's
  ``Claims.contains`` has already ruled most files out before this module was imported);
- YAML: a top-level (column 0) ``AWSTemplateFormatVersion:`` key, or a top-level ``Resources:``
  key and a ``Type: AWS::…`` entry. A Kubernetes manifest that carries a template inside a
  ConfigMap holds those keys indented, so it stays the manifest handler's;
- JSON: the parsed document is a template (``suppressions.is_template``); a JSON file that does
  not parse is one only if it names ``"AWSTemplateFormatVersion"`` as a key (not inside a string).

A claimed template that does not parse on the head side is an ``unverifiable-file`` finding, as
for any other kind; a file that is not recognised is left to the other handlers.

CloudFormation's short-form tags (``!Ref``, ``!Sub``, ``!GetAtt``…) load as the value underneath
(``yamlload``), which is all the ``Metadata`` suppressions need. Comments stay suppressions too:
Checkov reads ``#checkov:skip=`` inside a resource and Trivy ``#trivy:ignore:`` before it, so the
YAML text goes through ``gates.inline`` as the manifest handler did before templates were a kind
of their own. Resources themselves are not modelled (no CloudFormation rules yet).
"""

from __future__ import annotations

import json
import re
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, TooLarge, Unit, UnitError
from regress.kinds.cloudformation import suppressions
from regress.kinds.gates import inline
from regress.kinds.gates.model import FAMILY
from regress.model import Notice, NoticeKind
from regress.source.base import Snapshot
from regress.yamlload import LoadError, decode

KIND = "cloudformation"
#: Kept in step with the registry's ``Claims`` for this handler.
SUFFIXES = (".yaml", ".yml", ".json", ".template")
MARKERS = (b"AWS::", b"AWSTemplateFormatVersion")
#: Templates are at most 1 MB (CloudFormation quotas, "Template body size in an Amazon S3
#: object"); the claim looks no further.
_CLAIM_BYTES = 1_000_000

_YAML_VERSION = re.compile(rb"^['\"]?AWSTemplateFormatVersion['\"]?[ \t]*:", re.M)
_YAML_RESOURCES = re.compile(rb"^['\"]?Resources['\"]?[ \t]*:", re.M)
#: ``Type: AWS::…`` in block or flow style; not inside a JSON string (``\"Type\"``).
_AWS_TYPE = re.compile(rb"(?<![\\\w])['\"]?Type['\"]?[ \t]*:[ \t]*['\"]?AWS::")
_JSON_VERSION = re.compile(rb"(?<!\\)\"AWSTemplateFormatVersion\"\s*:")


def recognised(data: bytes) -> bool:
    """Whether a file's bytes are a CloudFormation template (see the module docs)."""
    head = data[:_CLAIM_BYTES]
    if not any(m in head for m in MARKERS):
        return False
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        try:
            return suppressions.is_template(json.loads(decode(data)))
        except (ValueError, LoadError):
            return _JSON_VERSION.search(head) is not None
    return _YAML_VERSION.search(head) is not None or (
        _YAML_RESOURCES.search(head) is not None and _AWS_TYPE.search(head) is not None
    )


class CloudFormationHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        if not path.endswith(SUFFIXES):
            return []
        try:
            data = snapshot.read(path)
        except KeyError:
            return []
        return [Unit(KIND, path)] if recognised(data) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            text = ctx.text(path)
            docs, is_json = _documents(ctx, path, text)
        except TooLarge as exc:
            result.errors.append(UnitError(path, exc.message, None))
            return result
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        template = next((d for d in docs if suppressions.is_template(d)), None)
        if template is None:
            result.notices.append(
                Notice(NoticeKind.SKIPPED, "not analysed: no CloudFormation template in this file", path)
            )
            return result
        found = suppressions.suppressions_object(KIND, suppressions.read(template, path))
        if found is not None:
            result.objects.append(found)
        if not is_json:
            comments = inline.suppressions_object(KIND, path, [(path, text)], inline.Syntax.CLOUDFORMATION)
            if comments is not None:
                result.objects.append(comments)
        return result


def _documents(ctx: LoadContext, path: str, text: str) -> tuple[list[Any], bool]:
    """The file's documents, and whether it is JSON (JSON has no comments to read). JSON that
    libyaml refuses (tabs, for instance) is still JSON: it loads without lines."""
    is_json = text.lstrip("\ufeff \t\r\n").startswith("{")
    try:
        return ctx.yaml(path).documents, is_json
    except LoadError as exc:
        if not is_json:
            raise
        try:
            return [json.loads(text)], True
        except ValueError:
            raise exc from None
