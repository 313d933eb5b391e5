"""A compose service's health check was removed or disabled.

## What it does
Reports a service whose `healthcheck` was removed, set to `disable: true`, or to
`test: ["NONE"]`.

## Why is this bad?
Compose restarts unhealthy containers only when it can tell, and `depends_on` with
`condition: service_healthy` waits on the health check; without it a hung service looks fine.

## Example
```yaml
healthcheck: {test: ["CMD", "pg_isready"]}   →   healthcheck: {disable: true}
```

## How to resolve
Keep the health check, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None or not _on(before.healthcheck) or _on(after.healthcheck):
        return
    yield Hit(
        message=f"{change.obj.label}: healthcheck {'removed' if after.healthcheck is None else 'disabled'}",
        attr="healthcheck",
        head_route=("healthcheck",),
        base_route=("healthcheck",),
    )


def _on(health: dict[str, Any] | None) -> bool:
    if health is None or health.get("disable") is True:
        return False
    test = health.get("test")
    return not (isinstance(test, list) and test[:1] == ["NONE"]) and test != "NONE"


RULE = Rule(
    code="DC010",
    name="service-healthcheck-removed",
    category=Category.MONITORING,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
