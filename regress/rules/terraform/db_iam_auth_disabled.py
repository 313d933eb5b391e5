"""IAM database authentication was turned off.

## What it does
Reports `iam_database_authentication_enabled` going from true to false or absent on RDS
instances and Aurora clusters.

## Why is this bad?
IAM authentication replaces long-lived database passwords with short-lived tokens tied to IAM
roles; turning it off brings the passwords back.

## Example
```hcl
iam_database_authentication_enabled = true   # → false
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
    Attr(("aws_db_instance", "aws_rds_cluster"), ("iam_database_authentication_enabled",), turned_off, absent=False),
)

RULE = Rule(
    code="TF009",
    name="db-iam-auth-disabled",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
