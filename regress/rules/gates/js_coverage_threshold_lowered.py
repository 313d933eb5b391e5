"""A jest, vitest, nyc or c8 coverage threshold was lowered or removed, or more code is left out of coverage.

## What it does
Compares jest's `coverageThreshold` (global and per-path entries) and vitest's
`test.coverage.thresholds` (or the pre-1.0 `test.coverage.lines`…): a percentage lowered or
removed, a per-path entry removed, and a negative jest threshold (the number of uncovered items
allowed) made more negative. Also reports new `coveragePathIgnorePatterns` (jest) and
`coverage.exclude` entries (vitest), and vitest `coverage.enabled: false`. Settings computed in a
JavaScript config (not written as literals) are not compared; a notice says so.

For nyc and c8 it reads `.nycrc` (`.json`, `.yml`, `.yaml`), `.c8rc` (`.json`), the `nyc`/`c8`
key of package.json and the flags of each package.json script that runs them
(`nyc --check-coverage --lines 90 mocha`), as each tool merges them, and reports `check-coverage`
switched off or removed, `lines`, `branches`, `functions` or `statements` lowered (a removed one
falls back to the tool's default: 90 for lines, 0 for the others), and `per-file` switched off.
Settings moved between these places, a renamed script, a move from nyc to c8 (or back) with
the same gate, keys reordered and thresholds raised are silent; settings in `nyc.config.js` are
not compared.

## Why is this bad?
jest, vitest, nyc and c8 exit with an error when coverage is below these thresholds; lowering
them, switching the check off, or excluding code from coverage lets less tested code pass.

## Example
```json
// base                                      // head
"coverageThreshold": {"global": {"branches": 65}}   "coverageThreshold": {"global": {"branches": 63}}
```

```json
// .nycrc, base                               // .nycrc, head
{"check-coverage": true, "lines": 90}         {"check-coverage": false, "lines": 90}
```

## How to resolve
Keep the thresholds, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate, Threshold
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("js-tests",)


def _weaker(was: Threshold, now: Threshold | None) -> bool:
    if now is None:
        return True
    if was.direction != now.direction or was.value is None or now.value is None:
        # A percentage replaced by a maximum of uncovered items (or back): not comparable.
        return False
    return now.value < was.value if was.direction == "min" else now.value > was.value


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate):
        return
    tool = before.tool
    if tool in ("nyc", "c8"):
        # nyc and c8 take the same settings: a project moving from one to the other keeps its
        # gate if the other tool checks as much in the same folder.
        sibling = ctx.head.get(FAMILY, ("c8" if tool == "nyc" else "nyc", before.scope))
        other = sibling.facts if sibling is not None and isinstance(sibling.facts, Gate) else None
        yield from _nyc(before, after if isinstance(after, Gate) else None, other)
        return
    new = {t.name: t for t in after.thresholds} if isinstance(after, Gate) else {}
    for was in before.thresholds:
        now = new.get(was.name)
        if not _weaker(was, now):
            continue
        what = "removed" if now is None else f"{was.raw} → {now.raw}"
        route = _route(tool, was.name)
        yield Hit(
            message=f"{tool} coverage threshold {was.name} {what}",
            attr=f"threshold[{was.name}]",
            head_route=route,
            base_route=route,
            before=was.raw,
            after=now.raw if now is not None else None,
            severity=Severity.HIGH if now is None else None,
        )
    if not isinstance(after, Gate):
        return
    added = sorted(set(after.options.get("coverage_ignore", ())) - set(before.options.get("coverage_ignore", ())))
    if added:
        yield Hit(
            message=f"{tool} now leaves {', '.join(added)} out of coverage",
            attr="coverage.ignore",
            head_route=(added[0],),
            base_route=None,
            before=list(before.options.get("coverage_ignore", ())),
            after=list(after.options.get("coverage_ignore", ())),
            severity=Severity.LOW,
        )
    if before.options.get("enabled") is not False and after.options.get("enabled") is False:
        yield Hit(
            message=f"{tool} coverage is switched off (coverage.enabled: false)",
            attr="coverage.enabled",
            head_route=("enabled",),
            base_route=None,
            before=before.options.get("enabled"),
            after=False,
            severity=Severity.HIGH,
        )


def _nyc(before: Gate, after: Gate | None, other: Gate | None) -> Iterator[Hit]:
    """Each script's gate (or the settings files' when no script runs the tool) against the same
    gate in head; a gate that is gone is compared with the strictest head gate of either tool, so
    renaming the script, moving the flags into .nycrc or moving from nyc to c8 stays silent."""
    if any(g is not None and g.options.get("unknown") for g in (before, after, other)):
        return
    tool = before.tool
    base: dict[str, dict[str, object]] = before.options.get("gates", {})
    head: dict[str, dict[str, object]] = after.options.get("gates", {}) if after is not None else {}
    pool = [*head.values(), *(other.options.get("gates", {}).values() if other is not None else ())]
    checking = {str(i): g for i, g in enumerate(pool) if g.get("check-coverage") is True}
    for script, was in base.items():
        if was.get("check-coverage") is not True:
            continue
        where = f" in npm script `{script}`" if script else ""
        now = head.get(script) if script in head else _strictest(checking)
        if now is None or now.get("check-coverage") is not True:
            route = (script, "check-coverage")
            yield Hit(
                message=f"{tool} no longer checks coverage{where} "
                + ("(check-coverage: true → false)" if now is not None else "(check-coverage removed)"),
                attr=f"{script}:check-coverage" if script else "check-coverage",
                head_route=route,
                base_route=route,
                before=True,
                after=False if now is not None else None,
                severity=Severity.HIGH,
            )
            continue
        for metric in ("lines", "branches", "functions", "statements"):
            old, new = was.get(metric), now.get(metric)
            if isinstance(old, float) and isinstance(new, float) and new < old:
                route = (script, metric)
                yield Hit(
                    message=f"{tool} coverage threshold {metric} {_num(old)} → {_num(new)}{where}",
                    attr=f"threshold[{script}:{metric}]" if script else f"threshold[{metric}]",
                    head_route=route,
                    base_route=route,
                    before=_num(old),
                    after=_num(new),
                )
        if was.get("per-file") is True and now.get("per-file") is not True:
            route = (script, "per-file")
            yield Hit(
                message=f"{tool} no longer checks coverage per file{where} (per-file: true → false)",
                attr=f"{script}:per-file" if script else "per-file",
                head_route=route,
                base_route=route,
                before=True,
                after=False,
            )


def _strictest(gates: dict[str, dict[str, object]]) -> dict[str, object] | None:
    """The head gate with the highest thresholds: what a base gate whose script is gone is
    compared with."""
    if not gates:
        return None

    def total(gate: dict[str, object]) -> float:
        return sum(v for m in ("lines", "branches", "functions", "statements") if isinstance(v := gate.get(m), float))

    return max(gates.values(), key=total)


def _num(v: float) -> str:
    return str(int(v)) if v.is_integer() else str(v)


def _route(tool: str, name: str) -> tuple[str, ...]:
    glob, _, metric = name.rpartition(":")
    if tool == "jest":
        return ("coverageThreshold", glob or "global", metric)
    return (metric,)


RULE = Rule(
    code="CV006",
    name="js-coverage-threshold-lowered",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "jest"), (FAMILY, "vitest"), (FAMILY, "nyc"), (FAMILY, "c8")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "removed", "renamed", "moved"}),
)
