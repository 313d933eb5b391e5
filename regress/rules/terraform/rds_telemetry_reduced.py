"""A database exports fewer logs or lost Enhanced Monitoring or Performance Insights.

## What it does
Reports `enabled_cloudwatch_logs_exports` losing log types, `monitoring_interval` going to 0
(Enhanced Monitoring off) or to a longer interval, and `performance_insights_enabled` going from
true to false, on RDS instances and Aurora clusters and through module arguments.

## Why is this bad?
Database logs (audit, error, slow query) and OS-level metrics are what an incident on the
database is investigated with.

## Example
```hcl
monitoring_interval = 60   # → 0
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, lost_items, turned_off, watches
from regress.kinds.terraform.values import as_number
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

DB = ("aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance")


def monitoring_less(before: Any, after: Any) -> Verdict | None:
    """Enhanced Monitoring interval: 0 is off; otherwise a longer interval is coarser."""
    b, a = as_number(before), as_number(after)
    if b is None or a is None or b == 0:
        return None
    if a == 0:
        return Verdict("Enhanced Monitoring off")
    return Verdict() if a > b else None


SPECS = (
    Attr(DB, ("enabled_cloudwatch_logs_exports",), lost_items, absent=None),
    Attr(DB, ("monitoring_interval",), monitoring_less, absent=0),
    Attr(DB, ("performance_insights_enabled",), turned_off, absent=False),
)

RULE = Rule(
    code="TF108",
    name="rds-telemetry-reduced",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
