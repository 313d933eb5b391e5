"""A key or secret can now be deleted sooner.

## What it does
Reports `deletion_window_in_days` of `aws_kms_key` going down (default 30) and
`recovery_window_in_days` of `aws_secretsmanager_secret` going down (default 30; 0 deletes at
once). (CATALOGUE TR-11 marks this unverified.)

## Why is this bad?
The waiting period is the chance to undo a mistaken deletion; a KMS key deleted for good makes
everything encrypted with it unreadable.

## Example
```hcl
deletion_window_in_days = 30   # → 7
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lowered, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_kms_key",), ("deletion_window_in_days",), lowered, absent=30),
    Attr(("aws_secretsmanager_secret",), ("recovery_window_in_days",), lowered, absent=30),
)

RULE = Rule(
    code="TF211",
    name="deletion-window-shortened",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
