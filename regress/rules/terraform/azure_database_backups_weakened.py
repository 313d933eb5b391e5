"""An Azure database lost geo-redundant backups, backup retention or high availability.

## What it does
Reports `geo_redundant_backup_enabled` going from true to false, `backup_retention_days` going
down (default 7), and `high_availability` removed, on PostgreSQL and MySQL servers, and
`short_term_retention_policy.retention_days` going down on SQL databases.

## Why is this bad?
Shorter or local-only backups and no standby shrink what can be recovered after a failure or a
mistake.

## Example
```hcl
geo_redundant_backup_enabled = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lowered, removed_value, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

DB = (
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_flexible_server",
    "azurerm_postgresql_server",
    "azurerm_mysql_server",
)

SPECS = (
    Attr(DB, ("geo_redundant_backup_enabled",), turned_off, absent=False),
    Attr(DB, ("backup_retention_days",), lowered, absent=7),
    Attr(DB, ("high_availability",), removed_value, absent=None),
    Attr(("azurerm_mssql_database",), ("short_term_retention_policy", "retention_days"), lowered, absent=7),
)

RULE = Rule(
    code="TF404",
    name="azure-database-backups-weakened",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
