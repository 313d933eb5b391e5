"""Log retention was shortened.

## What it does
Reports `retention_in_days` of `aws_cloudwatch_log_group` going down. `0` and absent mean the
logs never expire: `0` → `30` is a cut, `365` → `0` is not. Every branch of an environment
conditional is judged: `var.env == "production" ? 0 : 365` keeps production forever and is
silent.

## Why is this bad?
Shorter retention deletes the evidence an incident investigation or an audit needs; Checkov
(CKV_AWS_338) accepts 0 while KICS flags it, so neither catches a cut from 365 to 30.

## Example
```hcl
retention_in_days = 365   # → 30
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lowered_unlimited_zero, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (Attr(("aws_cloudwatch_log_group",), ("retention_in_days",), lowered_unlimited_zero, absent=0),)

RULE = Rule(
    code="TF101",
    name="log-retention-cut",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
