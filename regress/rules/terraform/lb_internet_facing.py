"""A load balancer became internet-facing.

## What it does
Reports `internal` going from true to false or absent (the default is internet-facing) on
`aws_lb`, `aws_alb` and `aws_elb`. A new public load balancer is not reported: that is a new
service, not a weakening.

## Why is this bad?
An internal load balancer is reachable only from the VPC; turning it internet-facing exposes
every target behind it.

## Example
```hcl
internal = true   # → false
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

SPECS = (Attr(("aws_lb", "aws_alb", "aws_elb"), ("internal",), turned_off, absent=False),)

RULE = Rule(
    code="TF018",
    name="lb-internet-facing",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
