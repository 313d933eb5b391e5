"""A jest or vitest coverage threshold was lowered or removed, or more code is left out of coverage.

## What it does
Compares jest's `coverageThreshold` (global and per-path entries) and vitest's
`test.coverage.thresholds` (or the pre-1.0 `test.coverage.lines`…): a percentage lowered or
removed, a per-path entry removed, and a negative jest threshold (the number of uncovered items
allowed) made more negative. Also reports new `coveragePathIgnorePatterns` (jest) and
`coverage.exclude` entries (vitest), and vitest `coverage.enabled: false`. Settings computed in a
JavaScript config (not written as literals) are not compared; a notice says so.

## Why is this bad?
jest and vitest exit with an error when coverage is below these thresholds; lowering them, or
excluding code from coverage, lets less tested code pass.

## Example
```json
// base                                      // head
"coverageThreshold": {"global": {"branches": 65}}   "coverageThreshold": {"global": {"branches": 63}}
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
    del ctx
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate):
        return
    tool = before.tool
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
    watches=((FAMILY, "jest"), (FAMILY, "vitest")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "removed", "renamed", "moved"}),
)
