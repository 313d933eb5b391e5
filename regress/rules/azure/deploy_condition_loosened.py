"""An Azure Pipelines deploy job or stage now runs even when what it depends on failed.

## What it does
Reports a deploy job whose own `condition:` (or its stage's) becomes one that holds after a
failure: `always()`, `succeededOrFailed()`, `failed()`, or `not(failed())`/`not(canceled())`.
The default condition — every dependency succeeded — is what makes tests gate a deployment.

## Why is this bad?
With `always()` the deployment runs even when the tests in the stages before it failed.

## Example
```yaml
# base                          # head
- stage: Deploy                 - stage: Deploy
                                  condition: always()
```

## How to resolve
Keep the default condition (or `succeeded()`), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.azure import KINDS
from regress.rules.base import Hit, Rule, RuleContext

#: Status functions that are true after a failure (docs "Pipeline conditions").
_LOOSE = re.compile(r"\b(always|succeededOrFailed|failed)\s*\(|not\s*\(\s*(failed|canceled)\s*\(", re.I)


def loose(condition: str | None) -> bool:
    return condition is not None and _LOOSE.search(condition) is not None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job) or DEPLOY not in before.classes:
        return
    for key, where in (("condition", "job"), ("stage_condition", "stage")):
        was, now = before.extra.get(key), after.extra.get(key)
        if loose(was) or not loose(now):
            continue
        yield Hit(
            message=f"deploy {after.label} in {after.pipeline} now runs even when earlier jobs fail "
            f"({where} condition: {now})",
            attr=f"{where}.condition",
            head_route=("condition",) if where == "job" else _stage(after, now),
            base_route=("condition",) if where == "job" and was is not None else _stage(before, was),
            before=was,
            after=now,
        )


def _stage(job: Job, condition: str | None) -> tuple[object, ...]:
    route = tuple(job.extra.get("stage_route") or ())
    return (*route, "condition") if route and condition is not None else route


RULE = Rule(
    code="AZ003",
    name="deploy-condition-loosened",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
