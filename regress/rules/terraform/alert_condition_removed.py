"""An alert of a monitoring provider was removed.

## What it does
Reports a removed New Relic alert condition or synthetics monitor, Datadog monitor or synthetics
test, Grafana rule group, or PagerDuty service integration, and one whose `count` drops to 0,
unless what it watched went with it.

## Why is this bad?
The alert is how a failure reaches a person; without it the failure goes unnoticed.

## Example
```hcl
resource "datadog_monitor" "api_errors" { … }   # removed
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import attr_check, combine, removal_check, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = (
    "newrelic_alert_condition",
    "newrelic_nrql_alert_condition",
    "newrelic_infra_alert_condition",
    "newrelic_synthetics_alert_condition",
    "newrelic_synthetics_monitor",
    "datadog_monitor",
    "datadog_synthetics_test",
    "grafana_rule_group",
    "pagerduty_service_integration",
)

SPECS = ()

RULE = Rule(
    code="TF503",
    name="alert-condition-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "an alert")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
