"""Repository settings as code: ``.github/settings.yml`` of the Probot settings app and GitHub's
safe-settings (also its per-repository ``.github/repos/<name>.yml``).

Each protected branch (``branches[].protection``) and each environment (``environments[]``) is an
object of its own, keyed by the file's scope and the branch or environment name, so entries can be
reordered freely. Their facts are the normalised fields of ``protection.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.gates import protection
from regress.kinds.gates.model import FAMILY
from regress.model import ModelObject, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "repo-settings"
BRANCH = "branch-protection"
ENVIRONMENT = "environment-protection"
_PATHS = re.compile(r"\.github/settings\.ya?ml|\.github/repos/[^/]+\.ya?ml")


class RepoSettingsHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if _PATHS.fullmatch(path) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            docs = ctx.yaml(path).documents
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        doc = docs[0] if docs else None
        if not isinstance(doc, Mapping):
            return result
        for i, entry in enumerate(_list(doc.get("branches"))):
            name = entry.get("name")
            if not isinstance(name, str):
                continue
            raw = entry.get("protection")
            route = ("branches", i, "protection")
            # ``protection: null`` (or none) leaves the branch unprotected: no object.
            if not isinstance(raw, Mapping):
                continue
            fields = protection.branch_rest(raw, route)
            fields[""] = protection.Field(None, route)  # where the entry is, for its removal
            result.objects.append(_object(path, doc, BRANCH, name, f"branch protection of {name}", fields))
        for i, entry in enumerate(_list(doc.get("environments"))):
            name = entry.get("name")
            if not isinstance(name, str):
                continue
            fields = protection.environment(entry, terraform=False)
            prefixed = {k: protection.Field(f.value, ("environments", i, *f.route)) for k, f in fields.items()}
            prefixed[""] = protection.Field(None, ("environments", i))
            result.objects.append(_object(path, doc, ENVIRONMENT, name, f"environment {name}", prefixed))
        return result


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _object(path: str, doc: Any, kind: str, name: str, label: str, fields: protection.Fields) -> ModelObject:
    body = {k: sorted(f.value) if isinstance(f.value, frozenset) else f.value for k, f in sorted(fields.items()) if k}
    return ModelObject(
        family=FAMILY,
        type=kind,
        key=(kind, path, name),
        body=body,
        origin=Origin(KIND, path, _FieldMap(path, doc, fields)),
        label=f"{label} ({path})",
        facts=fields,
    )


class _FieldMap:
    """Routes are field names; each is located at the route it was read from."""

    __slots__ = ("fields", "yaml")

    def __init__(self, path: str, doc: Any, fields: protection.Fields) -> None:
        self.yaml = YamlSourceMap(path, doc, 1)
        self.fields = fields

    def locate(self, route: Any) -> tuple[str, int | None]:
        field = self.fields.get(route[0] if route else "")
        return self.yaml.locate(field.route if field is not None else ())
