"""An ECR repository allows tags to be overwritten, or stopped scanning pushes.

## What it does
Reports `image_tag_mutability` going from `IMMUTABLE` to `MUTABLE` (the default) and
`image_scanning_configuration.scan_on_push` going from true to false.

## Why is this bad?
Mutable tags let anyone with push access replace a released image under the same tag; without
scan on push vulnerable images go unnoticed.

## Example
```hcl
image_tag_mutability = "IMMUTABLE"   # → "MUTABLE"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_ecr_repository",), ("image_tag_mutability",), ranks({"IMMUTABLE": 0, "MUTABLE": 1}), absent="MUTABLE"),
    Attr(("aws_ecr_repository",), ("image_scanning_configuration", "scan_on_push"), turned_off, absent=False),
)

RULE = Rule(
    code="TF022",
    name="ecr-repository-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
