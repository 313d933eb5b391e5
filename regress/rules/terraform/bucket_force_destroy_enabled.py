"""A bucket or repository can now be destroyed with its contents.

## What it does
Reports `force_destroy` on `aws_s3_bucket` (and `force_delete` on `aws_ecr_repository`) becoming
true. (CATALOGUE TR-06 marks this unverified as a rule; low severity.)

## Why is this bad?
With force destroy a `terraform destroy` or a replacement deletes every object in the bucket
instead of failing.

## Example
```hcl
force_destroy = false   # → true
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_on, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_s3_bucket",), ("force_destroy",), turned_on, absent=False),
    Attr(("aws_ecr_repository",), ("force_delete",), turned_on, absent=False),
)

RULE = Rule(
    code="TF206",
    name="bucket-force-destroy-enabled",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
