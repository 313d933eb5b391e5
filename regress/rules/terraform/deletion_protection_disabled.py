"""Deletion protection was turned off.

## What it does
Reports deletion protection going from true to false or absent: `deletion_protection` on RDS
instances, Aurora, DocumentDB and Neptune clusters, QLDB ledgers and Network Firewall;
`enable_deletion_protection` on load balancers; `deletion_protection_enabled` on DynamoDB tables;
`disable_api_termination` on EC2 instances. Module arguments that reach these attributes count
too (terraform-aws-modules/rds `deletion_protection`, local modules passing a variable through).

## Why is this bad?
Deletion protection is the guard against a `terraform destroy`, a mistaken rename that forces
replacement, or a console click. Without it, one apply can delete a production database. Such
flips often hide in large upgrade commits.

## Example
```hcl
# base                             # head
deletion_protection = true         deletion_protection = false
```

## How to resolve
Keep deletion protection on, or approve the finding with the reason (the resource is being
retired on purpose, or it is an example). Severity per path (`examples/`) is configurable.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

# Provider docs: every one of these defaults to false (unprotected) when absent.
SPECS = (
    Attr(
        (
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_docdb_cluster",
            "aws_neptune_cluster",
            "aws_qldb_ledger",
            "aws_networkfirewall_firewall",
        ),
        ("deletion_protection",),
        turned_off,
        absent=False,
    ),
    Attr(("aws_lb", "aws_alb"), ("enable_deletion_protection",), turned_off, absent=False),
    Attr(("aws_dynamodb_table",), ("deletion_protection_enabled",), turned_off, absent=False),
    Attr(("aws_instance",), ("disable_api_termination",), turned_off, absent=False),
)

RULE = Rule(
    code="TF203",
    name="deletion-protection-disabled",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
