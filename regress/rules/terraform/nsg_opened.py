"""An Azure network security group now lets the whole internet in.

## What it does
Reports an `Allow`, `Inbound` rule (`azurerm_network_security_rule` or a `security_rule` block)
whose source is `*`, `Internet`, `Any` or `0.0.0.0/0` for ports no base rule of the same group
admitted. High severity for all ports (`*`) and for SSH, RDP and database ports.

## Why is this bad?
Ports open to the internet are scanned within minutes; RDP and SSH are the first tried.

## Example
```hcl
source_address_prefix      = "10.0.0.0/8"   # → "*"
destination_port_range     = "3389"
```

## How to resolve
Limit the source (Bastion, a VPN range), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS
from regress.rules.terraform._exposure import exposure_check

RULE = Rule(
    code="TF405",
    name="nsg-opened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "azurerm_network_security_rule"), (FAMILY, "azurerm_network_security_group")),
    check=exposure_check(frozenset({"ingress"}), existing_groups_only=False),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
