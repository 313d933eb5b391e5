"""An AKS cluster's API server or access control was opened up.

## What it does
Reports `api_server_access_profile.authorized_ip_ranges` (and the older
`api_server_authorized_ip_ranges`) gaining `0.0.0.0/0` or removed,
`role_based_access_control_enabled` going from true (the default) to false, and
`local_account_disabled` going from true to false. (CATALOGUE TZ-06 marks the names unverified.)

## Why is this bad?
An API server open to any address, or local accounts that bypass Entra ID, make a leaked
credential enough to take the cluster.

## Example
```hcl
local_account_disabled = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, gains_world, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

AKS = ("azurerm_kubernetes_cluster",)


def widened(before: Any, after: Any) -> Verdict | None:
    """An allow-list that admits the world, or that was dropped (no list: every address)."""
    if isinstance(before, list) and before and after in (None, []):
        return Verdict("allow-list removed")
    return gains_world(before, after)


SPECS = (
    Attr(AKS, ("api_server_access_profile", "authorized_ip_ranges"), widened),
    Attr(AKS, ("api_server_authorized_ip_ranges",), widened),
    Attr(AKS, ("role_based_access_control_enabled",), turned_off, absent=True),
    Attr(AKS, ("local_account_disabled",), turned_off, absent=False),
)

RULE = Rule(
    code="TF407",
    name="aks-exposure-widened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
