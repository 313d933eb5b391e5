"""Automated backups are kept for a shorter time, or turned off.

## What it does
Reports a backup retention going down: `backup_retention_period` (RDS instances and Aurora,
DocumentDB, Neptune clusters), ElastiCache `snapshot_retention_limit`, Redshift
`automated_snapshot_retention_period`, also through module arguments. `0` disables backups (high
severity). An absent value on an RDS instance is ambiguous between tools (Checkov assumes 1,
Trivy 0) and is not judged.

## Why is this bad?
Shorter retention shrinks the window to recover from corruption or a bad migration; 0 means no
point-in-time restore at all. Checkov's 1–35 days check passes a cut from 30 to 7.

## Example
```hcl
backup_retention_period = 30   # → 7
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, lowered, watches
from regress.kinds.terraform.values import as_number
from regress.rules.base import Rule
from regress.rules.terraform import KINDS


def backup_cut(before: Any, after: Any) -> Verdict | None:
    verdict = lowered(before, after)
    if verdict is not None and as_number(after) == 0:
        return Verdict("backups disabled", Severity.HIGH)
    return verdict


SPECS = (
    Attr(("aws_db_instance",), ("backup_retention_period",), backup_cut),
    Attr(
        ("aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"),
        ("backup_retention_period",),
        backup_cut,
        absent=1,
    ),
    Attr(
        ("aws_elasticache_cluster", "aws_elasticache_replication_group"),
        ("snapshot_retention_limit",),
        backup_cut,
        absent=0,
    ),
    Attr(("aws_redshift_cluster",), ("automated_snapshot_retention_period",), backup_cut, absent=1),
)

RULE = Rule(
    code="TF201",
    name="backup-retention-cut",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
