"""GKE or subnet logging or monitoring was turned off.

## What it does
Reports `logging_service` or `monitoring_service` of `google_container_cluster` becoming `none`,
`logging_config.enable_components` or `monitoring_config.enable_components` losing components,
and a subnet's `log_config` (flow logs) removed.

## Why is this bad?
Cluster logs and metrics are how workload failures and intrusions are seen; flow logs are the
network record.

## Example
```hcl
logging_service = "logging.googleapis.com/kubernetes"   # → "none"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, became, lost_items, removed_value, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

GKE = ("google_container_cluster",)

SPECS = (
    Attr(GKE, ("logging_service",), became("none")),
    Attr(GKE, ("monitoring_service",), became("none")),
    Attr(GKE, ("logging_config", "enable_components"), lost_items, absent=None),
    Attr(GKE, ("monitoring_config", "enable_components"), lost_items, absent=None),
    Attr(("google_compute_subnetwork",), ("log_config",), removed_value, absent=None),
)

RULE = Rule(
    code="TF304",
    name="gke-telemetry-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
