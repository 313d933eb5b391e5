"""An Azure storage account keeps fewer copies, or deleted blobs for a shorter time.

## What it does
Reports `account_replication_type` moving down (`GZRS`/`RAGZRS` > `GRS`/`RAGRS` > `ZRS` > `LRS`)
and `blob_properties.delete_retention_policy` removed or its `days` going down.

## Why is this bad?
Locally redundant storage does not survive a zone or region outage; without soft delete a
deleted blob is gone.

## Example
```hcl
account_replication_type = "GRS"   # → "LRS"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lowered, ranks, removed_value, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SA = ("azurerm_storage_account",)
REPLICATION = {"GZRS": 0, "RAGZRS": 0, "GRS": 1, "RAGRS": 1, "ZRS": 2, "LRS": 3}

SPECS = (
    Attr(SA, ("account_replication_type",), ranks(REPLICATION)),
    Attr(SA, ("blob_properties", "delete_retention_policy"), removed_value, absent=None),
    Attr(SA, ("blob_properties", "delete_retention_policy", "days"), lowered),
)

RULE = Rule(
    code="TF402",
    name="azure-storage-redundancy-reduced",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
