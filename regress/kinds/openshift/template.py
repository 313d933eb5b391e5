"""OpenShift Templates: the objects a Template creates, with its parameters' values filled in.

A ``kind: Template`` document (template.openshift.io) holds ``objects`` and ``parameters``;
``oc process`` replaces ``${NAME}`` inside strings and ``${{NAME}}`` (a whole value, typed as
YAML) with each parameter's ``value``. Parameters without a value (``generate: expression``, or
required ones set at processing time) stay as their placeholder text, the same on both sides, so
they never look like a change. Each template is its own render root (``file#template-name``);
its objects go through the Kubernetes rules as manifests. Other documents of the file are
ordinary manifests.
"""

from __future__ import annotations

import re
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.kubernetes.handler import KIND as MANIFEST_KIND
from regress.kinds.kubernetes.handler import SUFFIXES, objects_from_documents
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kustomize.patch import copy
from regress.model import Notice, NoticeKind
from regress.source.base import Snapshot
from regress.yamlload import LoadError, YList, YMap, scalar

KIND = "openshift-template"
_TEMPLATE = re.compile(rb"^kind:\s*['\"]?Template['\"]?\s*$", re.M)
_TYPED = re.compile(r"^\$\{\{([A-Za-z0-9_]+)\}\}$")
_PLAIN = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def is_template(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and doc.get("kind") == "Template"
        and str(doc.get("apiVersion", "")).split("/")[0] in ("v1", "template.openshift.io")
    )


class OpenShiftTemplateHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        if not path.lower().endswith(SUFFIXES):
            return []
        try:
            data = snapshot.read(path)[:1_000_000]
        except KeyError:
            return []
        # Every changed manifest passes here: a byte search rules most out before any decoding.
        return [Unit(KIND, path)] if b"Template" in data and _TEMPLATE.search(data) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            loaded = ctx.yaml(path)
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        for doc, line in zip(loaded.documents, loaded.document_lines, strict=True):
            if not is_template(doc):
                result.objects.extend(objects_from_documents([doc], path, MANIFEST_KIND, "", [line]))
                continue
            name = (doc.get("metadata") or {}).get("name") or f"line {line}"
            values = _parameters(doc.get("parameters"))
            objects = doc.get("objects")
            if not isinstance(objects, list):
                result.notices.append(Notice(NoticeKind.INPUT, f"template {name} has no objects list", path, line))
                continue
            rendered = [_substitute(copy(o), values) for o in objects]
            lines = [
                objects.item_lines[i] + 1 if isinstance(objects, YList) and i < len(objects.item_lines) else line
                for i in range(len(rendered))
            ]
            result.objects.extend(objects_from_documents(rendered, path, MANIFEST_KIND, f"{path}#{name}", lines))
        return result


def _parameters(raw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in raw if isinstance(raw, list) else ():
        if isinstance(p, dict) and isinstance(p.get("name"), str) and "value" in p and p["value"] is not None:
            out[p["name"]] = p["value"]
    return out


def _substitute(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, YMap):
        for k in list(value):
            value[k] = _substitute(value[k], params)
        return value
    if isinstance(value, YList):
        for i, v in enumerate(value):
            value[i] = _substitute(v, params)
        return value
    if isinstance(value, str):
        typed = _TYPED.match(value)
        if typed and typed.group(1) in params:
            raw = params[typed.group(1)]
            return scalar(raw, None) if isinstance(raw, str) else raw
        return _PLAIN.sub(lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), value)
    return value
