"""Dependabot and Renovate configuration files as model objects.

One object per tool, keyed by the tool alone (``dependabot``, ``renovate``): Renovate reads its
config from any of several paths (Renovate docs "Configuration options", config file list), so
moving `renovate.json` to `.github/renovate.json` is no change. Renovate's JSON5 files are not
parsed; their presence is what counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.ci.model import FAMILY
from regress.model import ModelObject, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "dependency-updates"
TYPE = "dependency-updates"

DEPENDABOT = (".github/dependabot.yml", ".github/dependabot.yaml")
#: Renovate's config file names (Renovate docs, "Configuration options": config file locations).
RENOVATE = (
    "renovate.json",
    "renovate.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
)


@dataclass(frozen=True, slots=True)
class UpdateConfig:
    tool: str
    path: str
    #: Dependabot: (package-ecosystem, directory) of each ``updates`` entry.
    ecosystems: frozenset[tuple[str, str]] = frozenset()
    #: Dependabot registries or updates that allow insecure external code execution.
    insecure_execution: bool = False
    #: Folders this side's entries name that the other side of the comparison does not have: an
    #: entry for a folder the change deletes updates nothing there any more.
    missing_elsewhere: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)


def tool_of(path: str) -> str | None:
    if path in DEPENDABOT:
        return "dependabot"
    if path in RENOVATE:
        return "renovate"
    return None


class DependencyUpdatesHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if tool_of(path) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        tool = tool_of(path)
        if tool is None or not ctx.exists(path):
            return result
        result.files.append(path)
        doc: Any = {}
        if not path.endswith("json5") and not path.endswith(".renovaterc"):
            try:
                loaded = ctx.yaml(path)
                doc = loaded.documents[0] if loaded.documents else {}
            except LoadError as exc:
                result.errors.append(UnitError(path, exc.message, exc.line))
                return result
        body = doc if isinstance(doc, dict) else {}
        ecosystems: set[tuple[str, str]] = set()
        insecure = False
        if tool == "dependabot":
            updates = body.get("updates")
            for entry in updates if isinstance(updates, list) else []:
                if isinstance(entry, dict):
                    eco = str(entry.get("package-ecosystem"))
                    # ``directories`` (a list, globs allowed) replaces ``directory`` in one entry
                    # (GitHub docs, "Dependabot options reference": directories).
                    dirs = entry.get("directories")
                    if isinstance(dirs, list) and dirs:
                        ecosystems.update((eco, str(d)) for d in dirs)
                    else:
                        ecosystems.add((eco, str(entry.get("directory", "/"))))
                    if str(entry.get("insecure-external-code-execution", "")).lower() == "allow":
                        insecure = True
        other = ctx.other
        missing = frozenset(
            d for _, d in ecosystems if other is not None and "*" not in d and not other.is_dir(d.strip().strip("/"))
        )
        facts = UpdateConfig(tool, path, frozenset(ecosystems), insecure, missing)
        result.objects.append(
            ModelObject(
                FAMILY,
                TYPE,
                (tool,),
                body,
                Origin(KIND, path, YamlSourceMap(path, body, 1)),
                f"{tool} configuration {path}",
                facts,
            )
        )
        return result
