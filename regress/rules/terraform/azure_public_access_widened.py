"""An Azure storage account or data service became more reachable, or accepts weaker TLS.

## What it does
Reports `min_tls_version` going down (`TLS1_2` > `TLS1_1` > `TLS1_0`),
`allow_nested_items_to_be_public` and `public_network_access_enabled` becoming true, and
`https_traffic_only_enabled` (or the older `enable_https_traffic_only`) going from true to false
on storage accounts, and `public_network_access_enabled` becoming true on databases and key
vaults.

## Why is this bad?
Public network access and public blobs put the data one misconfigured ACL away from the
internet; old TLS versions weaken every connection.

## Example
```hcl
min_tls_version = "TLS1_2"   # → "TLS1_0"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, turned_off, turned_on, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SA = ("azurerm_storage_account",)
DATA = (
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_flexible_server",
    "azurerm_postgresql_server",
    "azurerm_mssql_server",
    "azurerm_key_vault",
    "azurerm_cosmosdb_account",
)

SPECS = (
    Attr(SA, ("min_tls_version",), ranks({"TLS1_2": 0, "TLS1_1": 1, "TLS1_0": 2})),
    Attr(SA, ("allow_nested_items_to_be_public",), turned_on),
    Attr(SA, ("https_traffic_only_enabled",), turned_off),
    Attr(SA, ("enable_https_traffic_only",), turned_off),
    Attr((*SA, *DATA), ("public_network_access_enabled",), turned_on),
)

RULE = Rule(
    code="TF401",
    name="azure-public-access-widened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
