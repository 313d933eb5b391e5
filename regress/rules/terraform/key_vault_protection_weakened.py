"""A Key Vault lost purge protection or keeps deleted items for a shorter time.

## What it does
Reports `purge_protection_enabled` going from true to false and `soft_delete_retention_days`
going down (default 90) on `azurerm_key_vault`.

## Why is this bad?
Without purge protection a deleted vault or key can be purged at once, and every secret and
everything encrypted with its keys is lost.

## Example
```hcl
purge_protection_enabled = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lowered, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

KV = ("azurerm_key_vault",)

SPECS = (
    Attr(KV, ("purge_protection_enabled",), turned_off, absent=False),
    Attr(KV, ("soft_delete_retention_days",), lowered, absent=90),
)

RULE = Rule(
    code="TF403",
    name="key-vault-protection-weakened",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
