"""A compose service gained Linux capabilities.

## What it does
Reports capabilities added to `cap_add` (on a new service: any), and `cap_drop: [ALL]` removed.
`CAP_` prefixes and case are normalised.

## Why is this bad?
Capabilities such as `SYS_ADMIN`, `NET_ADMIN` or `SYS_PTRACE` give the container powers over
the host kernel; dropping `ALL` is the baseline hardening.

## Example
```yaml
cap_add: [NET_BIND_SERVICE]   →   cap_add: [NET_BIND_SERVICE, SYS_ADMIN]
```

## How to resolve
Keep the capability set minimal, or approve the finding with the reason.

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
    if after is None:
        return
    old = before.cap_add if before is not None else frozenset()
    for cap in sorted(after.cap_add - old):
        yield Hit(
            message=f"{change.obj.label}: cap_add gains {cap}",
            attr=f"cap_add:{cap}",
            head_route=("cap_add",),
            after=cap,
        )
    if before is not None and "ALL" in before.cap_drop and "ALL" not in after.cap_drop:
        yield Hit(
            message=f"{change.obj.label}: cap_drop: [ALL] removed",
            attr="cap_drop:ALL",
            head_route=("cap_drop",),
            base_route=("cap_drop",),
        )


RULE = Rule(
    code="DC002",
    name="compose-capabilities-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
