"""A chart's values switch off its metrics scraping, ServiceMonitor, PodMonitor or alert rules.

## What it does
Reports a values block named `serviceMonitor`, `podMonitor`, `prometheusRule` or `metrics` (at any
depth, e.g. `server.metrics.serviceMonitor`, compared case-insensitively so a key renamed from
`servicemonitor` to `serviceMonitor` and disabled in one go is caught) whose `enabled` (or
`create`) was true and is now false or missing, or whose whole block was removed. Checked in every
render root of the chart (its `values.yaml` and each environment values file).

## Why is this bad?
By Helm chart convention these switches guard the templates that make Prometheus scrape the
application and evaluate its alerts: turning one off removes the monitoring objects on the next
deploy, and nothing on the dashboard says that the silence is new.

## Example
```yaml
# base values.yaml              # head values.yaml
serviceMonitor:                 serviceMonitor:
  enabled: true                   enabled: false
```

## How to resolve
Keep the switch on, or approve the finding saying what monitors the application now. When the
chart renders, the rendered ServiceMonitor removal is reported by the Kubernetes rules and this
finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import (
    KINDS,
    STATUSES,
    WATCHES,
    qualifier,
    rendered_identities,
    switch_change,
    switched_off,
    where,
)

NAMES = frozenset({"servicemonitor", "podmonitor", "prometheusrule", "metrics"})
RENDERED = ("ServiceMonitor", "PodMonitor", "PrometheusRule", "Service", *WORKLOAD_TYPES)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, RENDERED)
    for base_route, head_route, anchor, removed in switched_off(change, NAMES):
        block, what = switch_change(base_route, head_route, removed)
        yield Hit(
            message=f"{where(change)}: {block} switched off ({what}){qualifier(change)}",
            attr=block,
            head_route=anchor,
            base_route=base_route,
            before=True,
            after=False,
            yields_to=yields,
        )


RULE = Rule(
    code="HLM006",
    name="values-monitoring-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
