"""Automatic rotation of a secret was removed.

## What it does
Reports a removed `aws_secretsmanager_secret_rotation` (unless its secret went with it) and its
`rotation_rules.automatically_after_days` going up.

## Why is this bad?
Rotation limits how long a leaked credential works; without it a secret lives forever.

## Example
```hcl
resource "aws_secretsmanager_secret_rotation" "db" { … }   # removed
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, raised, removal_check, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = ("aws_secretsmanager_secret_rotation",)

SPECS = (Attr(("aws_secretsmanager_secret_rotation",), ("rotation_rules", "automatically_after_days"), raised),)

RULE = Rule(
    code="TF026",
    name="secret-rotation-removed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "automatic secret rotation")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
