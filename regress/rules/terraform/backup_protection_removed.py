"""A backup, replication or point-in-time recovery setting was removed.

## What it does
Reports a removed S3 replication configuration, AWS Backup plan, selection or vault lock (unless
what they protected went with them), DynamoDB `point_in_time_recovery.enabled` going from true
to false, and Backup rules whose `lifecycle.delete_after` goes down.

## Why is this bad?
These are the copies that survive when the primary data is deleted or corrupted; removing them
leaves one copy.

## Example
```hcl
point_in_time_recovery {
  enabled = true   # → false
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, lowered, removal_check, turned_off, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = (
    "aws_s3_bucket_replication_configuration",
    "aws_backup_plan",
    "aws_backup_selection",
    "aws_backup_vault_lock_configuration",
)

SPECS = (
    Attr(("aws_dynamodb_table",), ("point_in_time_recovery", "enabled"), turned_off),
    Attr(("aws_backup_plan",), ("rule", "lifecycle", "delete_after"), lowered),
)

RULE = Rule(
    code="TF207",
    name="backup-protection-removed",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "a backup or replication")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
