"""A Cloud SQL instance lost backups, point-in-time recovery or high availability.

## What it does
Reports `settings.backup_configuration.enabled` and `point_in_time_recovery_enabled` going from
true to false, and `settings.availability_type` going from `REGIONAL` to `ZONAL`, on
`google_sql_database_instance`. (Deletion protection is reported by `deletion-protection-
disabled`.)

## Why is this bad?
Scanners check that backups are on, not that they stay on: switching them off, or dropping the
standby, is what loses data in the next incident.

## Example
```hcl
settings {
  availability_type = "REGIONAL"   # → "ZONAL"
}
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

SQL = ("google_sql_database_instance",)

SPECS = (
    Attr(SQL, ("settings", "backup_configuration", "enabled"), turned_off, absent=False),
    Attr(SQL, ("settings", "backup_configuration", "point_in_time_recovery_enabled"), turned_off, absent=False),
    Attr(SQL, ("settings", "availability_type"), ranks({"REGIONAL": 0, "ZONAL": 1}), absent="ZONAL"),
)

RULE = Rule(
    code="TF301",
    name="cloudsql-backups-weakened",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
