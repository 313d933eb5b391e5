"""EC2 detailed monitoring was turned off.

## What it does
Reports `monitoring` on `aws_instance` and `monitoring.enabled` on launch templates going from
true to false.

## Why is this bad?
Without detailed monitoring metrics come every five minutes instead of every minute: alarms and
autoscaling react later.

## Example
```hcl
monitoring = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_instance",), ("monitoring",), turned_off, absent=False),
    Attr(("aws_launch_template",), ("monitoring", "enabled"), turned_off),
)

RULE = Rule(
    code="TF109",
    name="ec2-detailed-monitoring-disabled",
    category=Category.MONITORING,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
