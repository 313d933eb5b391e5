"""An Azure Pipelines test or scan step is switched off.

## What it does
Reports a test or scan step that gains `enabled: false`, or a `condition:` that is constantly
false (`false`, `eq(1, 2)`-style comparisons of two different literals).

## Why is this bad?
A disabled task shows as skipped, the job still succeeds, and nothing in the run says that the
tests did not run.

## Example
```yaml
# base                      # head
- task: VSTest@2            - task: VSTest@2
                              enabled: false
```

## How to resolve
Remove `enabled: false` (or the constant condition), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.azure import KINDS
from regress.rules.base import Hit, Rule, RuleContext

_LITERAL_EQ = re.compile(r"^\s*eq\(\s*('[^']*'|\d+)\s*,\s*('[^']*'|\d+)\s*\)\s*$", re.I)


def off(condition: Any) -> bool:
    """True for ``enabled: false`` (recorded as False) and conditions that are always false."""
    if condition is False:
        return True
    if not isinstance(condition, str):
        return False
    text = condition.strip()
    if text.lower() in ("false", "false()"):
        return True
    m = _LITERAL_EQ.match(text)
    return bool(m and m.group(1) != m.group(2))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    old = before.extra.get("step_conditions", {})
    new = after.extra.get("step_conditions", {})
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or not (sa.classes | sb.classes) & {TEST, SECURITY}:
            continue
        if off(old.get(sb.key)) or not off(new.get(sa.key)):
            continue
        what = "test" if TEST in (sa.classes | sb.classes) else "scan"
        how = "enabled: false" if new.get(sa.key) is False else f"condition: {new.get(sa.key)}"
        yield Hit(
            message=f"{what} {sa.label} of {after.label} in {after.pipeline} is switched off ({how})",
            attr=f"step[{sa.key}].enabled",
            head_route=sa.route,
            base_route=sb.route,
            before=old.get(sb.key, True),
            after=new.get(sa.key),
            category=Category.TESTS if what == "test" else Category.SECURITY,
        )


RULE = Rule(
    code="AZ002",
    name="pipeline-step-disabled",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
