"""Database storage encryption was turned off.

## What it does
Reports `storage_encrypted` going from true to false or absent on RDS instances, Aurora, DocumentDB
and Neptune clusters, and a `kms_key_id` removed from them. The provider default for
`storage_encrypted` is false, so dropping the attribute turns encryption off. Module arguments
that reach the attribute count too: `storage_encrypted` on terraform-aws-modules/rds, or on a
local module that passes the variable straight through.

## Why is this bad?
Encryption at rest cannot be added to an existing database in place: the instance is replaced
(a snapshot-restore migration), so a configuration that quietly drops it is hard to undo, and the
data, its snapshots and replicas are stored unencrypted from then on.

## Example
```hcl
# base                          # head
resource "aws_db_instance" "db" {    resource "aws_db_instance" "db" {
  storage_encrypted = true             storage_encrypted = false
}                                    }
```

## How to resolve
Keep `storage_encrypted = true` (and the customer key), or approve the finding with the reason
(a throwaway example database, for instance).

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, removed_value, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

DB_TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster")

SPECS = (
    # Provider docs (aws_db_instance, aws_rds_cluster): storage_encrypted defaults to false.
    Attr(DB_TYPES, ("storage_encrypted",), turned_off, absent=False),
    Attr(DB_TYPES, ("kms_key_id",), removed_value, absent=None, severity=Severity.MEDIUM),
)

RULE = Rule(
    code="TF007",
    name="db-encryption-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "added"}),
)
