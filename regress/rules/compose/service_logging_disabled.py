"""A compose service's logs are now discarded.

## What it does
Reports `logging.driver: none` on a service that logged before.

## Why is this bad?
With the `none` driver nothing the service writes to stdout or stderr is kept: `docker logs`
shows nothing and no collector receives it.

## Example
```yaml
logging: {driver: none}
```

## How to resolve
Keep a logging driver, or approve the finding with the reason.

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


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None or after.logging_driver != "none" or before.logging_driver == "none":
        return
    yield Hit(
        message=f"{change.obj.label}: logging driver {before.logging_driver or 'default'} → none",
        attr="logging.driver",
        head_route=("logging", "driver"),
        base_route=("logging",),
    )


RULE = Rule(
    code="DC014",
    name="service-logging-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
