"""A database will no longer take a final snapshot when it is deleted.

## What it does
Reports `skip_final_snapshot` becoming true on RDS instances and Aurora, DocumentDB and Neptune
clusters: a literal `false` or a variable replaced by the literal `true`, a variable default
flipped, or a module argument that reaches the attribute (terraform-aws-modules/rds, local
modules passing a variable through).

## Why is this bad?
The final snapshot is the last backup taken when the database is destroyed or replaced. Without
it, a destroy (or a change that forces replacement) loses the data for good. No common scanner
checks this attribute.

## Example
```hcl
# base                                          # head
skip_final_snapshot = var.skip_final_snapshot   skip_final_snapshot = true
```

## How to resolve
Keep taking the final snapshot, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_on, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    # Provider docs: skip_final_snapshot defaults to false.
    Attr(
        ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"),
        ("skip_final_snapshot",),
        turned_on,
        absent=False,
    ),
)

RULE = Rule(
    code="TF202",
    name="final-snapshot-skipped",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
