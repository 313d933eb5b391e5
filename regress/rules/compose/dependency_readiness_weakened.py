"""A compose service no longer waits for its dependency to be ready.

## What it does
Reports a `depends_on` entry whose condition went from `service_healthy` or
`service_completed_successfully` to `service_started` (the list form means `service_started`).

## Why is this bad?
`service_started` only waits for the container to start: the service may hit a database that is
still initialising and fail or corrupt its first requests.

## Example
```yaml
depends_on: {db: {condition: service_healthy}}   →   depends_on: [db]
```

## How to resolve
Keep the readiness condition, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS

READY = frozenset({"service_healthy", "service_completed_successfully"})


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None:
        return
    for dep, cond in sorted(before.depends_on.items()):
        now = after.depends_on.get(dep)
        if now is not None and cond in READY and now not in READY:
            yield Hit(
                message=f"{change.obj.label}: depends_on {dep} {cond} → {now}",
                attr=f"depends_on:{dep}",
                head_route=("depends_on",),
                base_route=("depends_on",),
            )


RULE = Rule(
    code="DC011",
    name="dependency-readiness-weakened",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
