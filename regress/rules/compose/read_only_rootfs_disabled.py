"""A compose service's root filesystem is no longer read-only.

## What it does
Reports `read_only: true` going to false or absent.

## Why is this bad?
A read-only root filesystem stops an attacker from dropping tools or changing binaries inside the
container; writable paths should be explicit `tmpfs` or volumes.

## Example
```yaml
read_only: true   →   read_only: false
```

## How to resolve
Keep `read_only: true` and mount `tmpfs` where writes are needed, or approve the finding.

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
    if before is None or after is None or not before.read_only or after.read_only:
        return
    now = "false" if "read_only" in change.obj.body else "absent (false)"
    yield Hit(
        message=f"{change.obj.label}: read_only true → {now}",
        attr="read_only",
        head_route=("read_only",),
        base_route=("read_only",),
    )


RULE = Rule(
    code="DC007",
    name="read-only-rootfs-disabled",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
