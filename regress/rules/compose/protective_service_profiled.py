"""A monitoring or security service no longer starts by default.

## What it does
Reports a service that looks protective (its image or name is a metrics exporter, log shipper,
tracing collector or scanner: `prometheus`, `*-exporter`, `cadvisor`, `promtail`, `fluent-bit`,
`otel-collector`, `datadog`, `falco`, `trivy`, `clamav`, …) and gains `profiles`, so
`docker compose up` no longer starts it.

## Why is this bad?
A service behind a profile runs only when someone asks for it: the monitoring or scanning it did
stops quietly. (CATALOGUE DC-15 marks this shape unverified; it is reported at medium severity.)

## Example
```yaml
node-exporter:
  profiles: [debug]
```

## How to resolve
Keep the service in the default set, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS

PROTECTIVE = (
    "prometheus",
    "exporter",
    "cadvisor",
    "promtail",
    "fluentd",
    "fluent-bit",
    "vector",
    "otel",
    "opentelemetry",
    "jaeger",
    "datadog",
    "newrelic",
    "grafana-agent",
    "alloy",
    "alertmanager",
    "falco",
    "trivy",
    "clamav",
    "wazuh",
    "filebeat",
    "metricbeat",
)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None or before.profiles or not after.profiles:
        return
    text = f"{after.name} {after.image}".lower()
    if not any(word in text for word in PROTECTIVE):
        return
    yield Hit(
        message=f"{change.obj.label} moved into profiles {', '.join(after.profiles)}: no longer started by default",
        attr="profiles",
        head_route=("profiles",),
    )


RULE = Rule(
    code="DC015",
    name="protective-service-profiled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
