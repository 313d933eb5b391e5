"""``.pre-commit-config.yaml``: the hooks that run on every commit and, through pre-commit.ci or a
``pre-commit run --all-files`` step, on every pull request (CATALOGUE.md SC-14).

One object for the file; its facts map each hook id to whether it still runs by default. A hook
does not run by default when its ``stages`` are only ``manual`` (pre-commit docs, "Confining hooks
to run at certain stages"), and not on pull requests when pre-commit.ci's ``ci: skip`` lists it
(pre-commit.ci docs, "configuration"). Hooks are keyed by id, not by repository, so moving a hook
to a mirror or a local repository is no change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import ModelObject, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "pre-commit"
TYPE = "pre-commit-hooks"
PATH = ".pre-commit-config.yaml"


def hooks(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Hook id → ``{"runs": bool, "why": str, "route": route}`` (the last definition of an id wins)."""
    ci = doc.get("ci")
    skipped = set(ci.get("skip") or []) if isinstance(ci, Mapping) and isinstance(ci.get("skip"), list) else set()
    out: dict[str, dict[str, Any]] = {}
    repos = doc.get("repos")
    for i, repo in enumerate(repos if isinstance(repos, list) else []):
        listed = repo.get("hooks") if isinstance(repo, Mapping) else None
        for j, hook in enumerate(listed if isinstance(listed, list) else []):
            if not isinstance(hook, Mapping) or not isinstance(hook.get("id"), str):
                continue
            stages = hook.get("stages")
            manual = isinstance(stages, list) and bool(stages) and set(stages) <= {"manual"}
            why = "its stages are only manual" if manual else "pre-commit.ci skips it" if hook["id"] in skipped else ""
            out[hook["id"]] = {"runs": not why, "why": why, "route": ("repos", i, "hooks", j)}
    return out


class PreCommitHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if path == PATH else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        if not ctx.exists(unit.root):
            return result
        result.files.append(unit.root)
        try:
            docs = ctx.yaml(unit.root).documents
        except LoadError as exc:
            result.errors.append(UnitError(unit.root, exc.message, exc.line))
            return result
        doc = docs[0] if docs else None
        if not isinstance(doc, Mapping):
            return result
        found = hooks(doc)
        result.objects.append(
            ModelObject(
                family=FAMILY,
                type=TYPE,
                key=("pre-commit",),
                body={h: {"runs": v["runs"], "why": v["why"]} for h, v in sorted(found.items())},
                origin=Origin(KIND, unit.root, _HookMap(YamlSourceMap(unit.root, doc, 1), found)),
                label=f"pre-commit hooks in {unit.root}",
                facts=Gate("pre-commit", "", (), {"hooks": found}),
            )
        )
        return result


class _HookMap:
    """Route ``(hook id,)`` is where the hook is defined."""

    __slots__ = ("hooks", "yaml")

    def __init__(self, yaml: YamlSourceMap, found: Mapping[str, Mapping[str, Any]]) -> None:
        self.yaml = yaml
        self.hooks = found

    def locate(self, route: Any) -> tuple[str, int | None]:
        hook = self.hooks.get(route[0]) if route else None
        return self.yaml.locate(hook["route"] if hook is not None else ("repos",))
