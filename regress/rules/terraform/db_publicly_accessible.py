"""A database is now publicly accessible.

## What it does
Reports `publicly_accessible` becoming true (the provider default is false) on RDS instances,
Aurora cluster instances, Redshift clusters and DMS replication instances, including new ones,
and module arguments that reach it.

## Why is this bad?
A publicly accessible database gets a public DNS name and address; only its security group and
password stand between it and the internet.

## Example
```hcl
publicly_accessible = false   # → true
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
    Attr(
        ("aws_db_instance", "aws_rds_cluster_instance", "aws_redshift_cluster", "aws_dms_replication_instance"),
        ("publicly_accessible",),
        turned_on,
        absent=False,
        on_add=True,
    ),
)

RULE = Rule(
    code="TF008",
    name="db-publicly-accessible",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "added"}),
)
