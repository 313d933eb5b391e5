"""A CloudTrail trail was removed or records less.

## What it does
Reports a removed `aws_cloudtrail`, and `enable_logging`, `include_global_service_events` (both
default true), `is_multi_region_trail` and `enable_log_file_validation` going from true to
false, and the CloudWatch Logs delivery (`cloud_watch_logs_group_arn`) removed.

## Why is this bad?
CloudTrail is the audit log of the AWS account: who did what, when. Turning it off or narrowing
it removes the record of exactly the actions an attacker takes.

## Example
```hcl
enable_log_file_validation = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, removal_check, removed_value, turned_off, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TRAIL = ("aws_cloudtrail",)

REMOVED = ("aws_cloudtrail",)

SPECS = (
    Attr(TRAIL, ("enable_logging",), turned_off, absent=True),
    Attr(TRAIL, ("include_global_service_events",), turned_off, absent=True),
    Attr(TRAIL, ("is_multi_region_trail",), turned_off, absent=False),
    Attr(TRAIL, ("enable_log_file_validation",), turned_off, absent=False),
    Attr(TRAIL, ("cloud_watch_logs_group_arn",), removed_value, absent=None),
)

RULE = Rule(
    code="TF103",
    name="cloudtrail-weakened",
    category=Category.MONITORING,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "an audit trail")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
