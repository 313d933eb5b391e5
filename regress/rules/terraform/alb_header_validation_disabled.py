"""An application load balancer no longer drops invalid HTTP headers.

## What it does
Reports `drop_invalid_header_fields` going from true to false or absent (the default is false)
on `aws_lb` and `aws_alb`. (CATALOGUE TA-17 marks this unverified; it is reported at low
severity.)

## Why is this bad?
Passing malformed headers through opens the door to request smuggling and header injection
against the targets.

## Example
```hcl
drop_invalid_header_fields = true   # → false
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

SPECS = (Attr(("aws_lb", "aws_alb"), ("drop_invalid_header_fields",), turned_off, absent=False),)

RULE = Rule(
    code="TF017",
    name="alb-header-validation-disabled",
    category=Category.SECURITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
