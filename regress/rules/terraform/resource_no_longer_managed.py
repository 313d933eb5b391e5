"""Terraform stops managing a resource without destroying it.

## What it does
Reports a new `removed { from = …; lifecycle { destroy = false } }` block: the resource is
dropped from the state and left running, unmanaged. (`destroy = true` destroys it, which the
removal rules judge.)

## Why is this bad?
The resource keeps running and costing, but no longer gets configuration changes, drift
detection, or any of the guards in code: it is forgotten, not deleted.

## Example
```hcl
removed {
  from = aws_db_instance.legacy
  lifecycle {
    destroy = false
  }
}
```

## How to resolve
Import the resource elsewhere, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_bool, first_block
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    after = change.after
    if after is None or change.before is not None:
        return
    life = first_block(after.body, "lifecycle") or {}
    if as_bool(life.get("destroy")) is False:
        yield Hit(
            message=f"{after.body.get('from')} is removed from Terraform's management and left running",
            attr=str(after.body.get("from")),
            head_route=("from",),
        )


RULE = Rule(
    code="TF213",
    name="resource-no-longer-managed",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "removed"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added"}),
)
