"""An alert condition of a monitoring provider was disabled.

## What it does
Reports New Relic alert conditions (`newrelic_alert_condition`, `newrelic_nrql_alert_condition`,
`newrelic_infra_alert_condition`, `newrelic_synthetics_alert_condition`) whose `enabled` goes
from true (the default) to false, Datadog synthetics tests whose `status` goes from `live` to
`paused`, and the same made conditional on the environment (each branch is judged and named).
Grafana rules paused are reported by `grafana-alert-rule-paused`.

## Why is this bad?
A disabled condition never fires: the failure it watched for goes unnoticed, and nothing in the
pipeline says so.

## Example
```hcl
resource "newrelic_nrql_alert_condition" "cpu" {
  enabled = true   # → var.env == "production"
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

NR = (
    "newrelic_alert_condition",
    "newrelic_nrql_alert_condition",
    "newrelic_infra_alert_condition",
    "newrelic_synthetics_alert_condition",
    "newrelic_synthetics_monitor",
)

SPECS = (
    Attr(NR, ("enabled",), turned_off, absent=True),
    Attr(("datadog_synthetics_test",), ("status",), ranks({"live": 0, "paused": 1})),
)

RULE = Rule(
    code="TF501",
    name="alert-condition-disabled",
    category=Category.MONITORING,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
