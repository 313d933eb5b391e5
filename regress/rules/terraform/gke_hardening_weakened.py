"""A GKE cluster lost a hardening setting.

## What it does
Reports `enable_shielded_nodes` going from true (the default) to false,
`private_cluster_config.enable_private_nodes` going from true to false,
`master_authorized_networks_config` removed or opened to `0.0.0.0/0`, and
`workload_identity_config` removed. (CATALOGUE TG-06 marks the names unverified.)

## Why is this bad?
Private nodes, authorized networks and workload identity keep the control plane and the node
credentials out of reach; without them a leaked credential or an open API server is enough.

## Example
```hcl
private_cluster_config {
  enable_private_nodes = true   # → false
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, gains_world, removed_value, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

GKE = ("google_container_cluster",)

SPECS = (
    Attr(GKE, ("enable_shielded_nodes",), turned_off, absent=True),
    Attr(GKE, ("private_cluster_config", "enable_private_nodes"), turned_off, absent=False),
    Attr(GKE, ("master_authorized_networks_config",), removed_value, absent=None),
    Attr(GKE, ("master_authorized_networks_config", "cidr_blocks", "cidr_block"), gains_world, absent=None),
    Attr(GKE, ("workload_identity_config",), removed_value, absent=None),
)

RULE = Rule(
    code="TF306",
    name="gke-hardening-weakened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
