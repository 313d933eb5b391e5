"""A CloudWatch log group lost its KMS key or deletion protection.

## What it does
Reports `kms_key_id` removed and `deletion_protection_enabled` going from true to false on
`aws_cloudwatch_log_group`.

## Why is this bad?
Without deletion protection the log group (and its history) can be deleted by anyone with the
permission; without the customer key, the key policy no longer limits who reads the logs.

## Example
```hcl
deletion_protection_enabled = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, removed_value, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_cloudwatch_log_group",), ("kms_key_id",), removed_value, absent=None),
    Attr(("aws_cloudwatch_log_group",), ("deletion_protection_enabled",), turned_off, absent=False),
)

RULE = Rule(
    code="TF102",
    name="log-group-protection-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
