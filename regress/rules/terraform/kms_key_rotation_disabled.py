"""Automatic rotation of a KMS key was turned off.

## What it does
Reports `enable_key_rotation` going from true to false or absent (the default is false) on
`aws_kms_key`. A key policy opened to `*` is reported by `resource-policy-public`.

## Why is this bad?
Rotation limits how much data one key version protects and how long a leaked key stays useful;
compliance frameworks (CIS AWS 3.8) require it.

## Example
```hcl
enable_key_rotation = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (Attr(("aws_kms_key",), ("enable_key_rotation",), turned_off, absent=False),)

RULE = Rule(
    code="TF015",
    name="kms-key-rotation-disabled",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
