"""Scanner suppressions a CloudFormation template declares in ``Metadata``.

Three scanners read suppressions from a template's own ``Metadata`` rather than from comments, so
they survive YAML ↔ JSON conversion and are what a reviewer must see:

- Checkov: ``Metadata: {checkov: {skip: [{id: CKV_AWS_18, comment: …}]}}`` on a resource (also
  under ``bridgecrew``), read by Checkov's CloudFormation context parser
  (bridgecrewio/checkov: ``checkov/cloudformation/context_parser.py``, ``collect_skip_comments``;
  docs "Suppressing and Skipping Policies", CloudFormation);
- cfn_nag: ``Metadata: {cfn_nag: {rules_to_suppress: [{id: W35, reason: …}]}}`` on a resource
  (stelligent/cfn_nag README, "Per-Resource Rule Suppression"; ``lib/cfn-nag/metadata.rb``);
- cfn-lint: ``Metadata: {cfn-lint: {config: {ignore_checks: [W3005]}}}`` on a resource or at the
  top of the template, where it covers every resource (aws-cloudformation/cfn-lint README,
  "Metadata" and "Resource Based Metadata").

Each entry is one ``Suppression`` with its identity (tool, check, logical id; the template is the
object's). One ``metadata-suppressions`` object per template holds them all, with the type of
every resource, so a rule can tell a resource renamed with its suppressions from a new one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from regress.kinds.gates.model import FAMILY, RENAME_KEY
from regress.model import ModelObject, Origin, Route

TYPE = "metadata-suppressions"
#: The logical id of an entry in the template's own ``Metadata`` (it covers every resource).
TEMPLATE = ""


class CfnTool(enum.StrEnum):
    CHECKOV = "checkov"
    CFN_NAG = "cfn_nag"
    CFN_LINT = "cfn-lint"


@dataclass(frozen=True, slots=True)
class Suppression:
    tool: CfnTool
    #: The check it silences (``CKV_AWS_18``, ``W35``, ``W3005``).
    check: str
    #: The resource's logical id, or ``TEMPLATE`` for the template's own ``Metadata``.
    resource: str
    #: The resource's ``Type`` (``AWS::S3::Bucket``), "" for the template.
    resource_type: str
    line: int | None
    reason: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.tool.value, self.check, self.resource)


@dataclass(frozen=True, slots=True)
class TemplateSuppressions:
    """Typed view of one template's ``Metadata`` suppressions."""

    path: str
    suppressions: tuple[Suppression, ...]
    #: (logical id, Type) of every resource of the template.
    resources: tuple[tuple[str, str], ...]


def is_template(doc: Any) -> bool:
    """A CloudFormation (or SAM) template: a mapping with ``AWSTemplateFormatVersion``, or with
    ``Resources`` of which one at least has an ``AWS::`` type; never a Kubernetes object."""
    if not isinstance(doc, dict) or ("apiVersion" in doc and "kind" in doc):
        return False
    if "AWSTemplateFormatVersion" in doc:
        return True
    resources = doc.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and r["Type"].startswith("AWS::")
        for r in resources.values()
    )


def read(template: dict[str, Any], path: str) -> TemplateSuppressions:
    found: list[Suppression] = []
    found.extend(_cfn_lint(template.get("Metadata"), TEMPLATE, ""))
    resources = template.get("Resources")
    types: list[tuple[str, str]] = []
    for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
        if not isinstance(resource, dict):
            continue
        rtype = resource.get("Type")
        rtype = rtype if isinstance(rtype, str) else ""
        types.append((str(logical_id), rtype))
        meta = resource.get("Metadata")
        found.extend(_checkov(meta, str(logical_id), rtype))
        found.extend(_cfn_nag(meta, str(logical_id), rtype))
        found.extend(_cfn_lint(meta, str(logical_id), rtype))
    return TemplateSuppressions(path, tuple(found), tuple(types))


def _checkov(meta: Any, resource: str, rtype: str) -> Iterator[Suppression]:
    # Checkov reads ``skip`` lists under both keys; an item without an ``id`` is skipped with a
    # warning (context_parser.py).
    for source in ("checkov", "bridgecrew"):
        block = _get(meta, source)
        for item, line in _items(_get(block, "skip")):
            check = _id(_get(item, "id"))
            if check:
                yield Suppression(CfnTool.CHECKOV, check, resource, rtype, line, _text(_get(item, "comment")))


def _cfn_nag(meta: Any, resource: str, rtype: str) -> Iterator[Suppression]:
    for item, line in _items(_get(_get(meta, "cfn_nag"), "rules_to_suppress")):
        check = _id(_get(item, "id"))
        if check:
            yield Suppression(CfnTool.CFN_NAG, check, resource, rtype, line, _text(_get(item, "reason")))


def _cfn_lint(meta: Any, resource: str, rtype: str) -> Iterator[Suppression]:
    config = _get(_get(meta, "cfn-lint"), "config")
    raw = _get(config, "ignore_checks")
    if isinstance(raw, str):
        # A single check written as a string is a list of one.
        check = _id(raw)
        if check:
            line = _line(getattr(config, "key_lines", {}).get("ignore_checks"))
            yield Suppression(CfnTool.CFN_LINT, check, resource, rtype, line)
        return
    for item, line in _items(raw):
        check = _id(item)
        if check:
            yield Suppression(CfnTool.CFN_LINT, check, resource, rtype, line)


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _items(value: Any) -> Iterator[tuple[Any, int | None]]:
    if not isinstance(value, list):
        return
    lines = getattr(value, "item_lines", [])
    for i, item in enumerate(value):
        yield item, _line(lines[i] if i < len(lines) else None)


def _line(zero_based: int | None) -> int | None:
    return zero_based + 1 if isinstance(zero_based, int) and zero_based >= 0 else None


def _id(value: Any) -> str:
    # Only literal ids count: an intrinsic function (``!Ref``) or a mapping names no check.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value).strip()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class SuppressionSourceMap:
    """Route ``("suppressions", i)`` is the i-th entry's line; anything else the template."""

    path: str
    suppressions: tuple[Suppression, ...]

    def locate(self, route: Route) -> tuple[str, int | None]:
        if len(route) == 2 and route[0] == "suppressions" and isinstance(route[1], int):
            index = route[1]
            if 0 <= index < len(self.suppressions):
                return self.path, self.suppressions[index].line
        return self.path, None


def suppressions_object(kind: str, facts: TemplateSuppressions) -> ModelObject | None:
    """The template's ``metadata-suppressions`` object, or None when it declares none.

    The body holds what the diff compares: per tool, the checks each resource suppresses, sorted,
    so reordering entries, reformatting or converting the template between YAML and JSON is no
    change."""
    if not facts.suppressions:
        return None
    body: dict[str, dict[str, list[str]]] = {}
    for s in facts.suppressions:
        body.setdefault(s.tool.value, {}).setdefault(s.resource or "(template)", []).append(s.check)
    for per_tool in body.values():
        for resource, checks in per_tool.items():
            per_tool[resource] = sorted(set(checks))
    return ModelObject(
        family=FAMILY,
        type=TYPE,
        key=("cfn-metadata", facts.path),
        body={"suppressions": body},
        origin=Origin(kind, facts.path, SuppressionSourceMap(facts.path, facts.suppressions)),
        label=f"scanner suppressions in the Metadata of {facts.path}",
        facts=facts,
        # ``infra/stack.yaml`` converted to ``infra/stack.json`` is the same template.
        extra={RENAME_KEY: ("cfn-metadata", facts.path.rpartition(".")[0] or facts.path)},
    )
