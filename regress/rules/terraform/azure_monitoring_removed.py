"""Azure diagnostic settings, flow logs or container monitoring were removed.

## What it does
Reports a removed `azurerm_monitor_diagnostic_setting` or network watcher flow log (unless what
it watched went with it), and an AKS cluster that lost its `oms_agent` (Container Insights).

## Why is this bad?
Diagnostic settings are what sends platform logs and metrics anywhere at all; without them
resources leave no record.

## Example
```hcl
resource "azurerm_monitor_diagnostic_setting" "kv" { … }   # removed
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, removal_check, removed_value, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = ("azurerm_monitor_diagnostic_setting", "azurerm_network_watcher_flow_log", "azurerm_log_analytics_workspace")

SPECS = (Attr(("azurerm_kubernetes_cluster",), ("oms_agent",), removed_value, absent=None),)

RULE = Rule(
    code="TF406",
    name="azure-monitoring-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "Azure monitoring")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
