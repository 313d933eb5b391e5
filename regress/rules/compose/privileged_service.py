"""A compose service now runs privileged.

## What it does
Reports `privileged: true` on a service that did not have it, including a new service.

## Why is this bad?
A privileged container has every capability and access to the host's devices: escaping to the
host is a matter of mounting its disk.

## Example
```yaml
services:
  agent:
    privileged: true
```

## How to resolve
Grant the specific capability or device instead, or approve the finding with the reason.

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
    if after is None or not after.privileged or (before is not None and before.privileged):
        return
    yield Hit(
        message=f"{change.obj.label}: privileged: true", attr="privileged", head_route=("privileged",), after=True
    )


RULE = Rule(
    code="DC001",
    name="privileged-service",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
