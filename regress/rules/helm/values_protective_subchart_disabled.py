"""A chart's values switch off a subchart that monitors or polices the application.

## What it does
Evaluates each dependency's `condition` and `tags` (from `Chart.yaml`, or `requirements.yaml` for
`apiVersion: v1` charts) against the values of each render root on both sides, the way Helm
decides which subcharts to load (conditions win over tags; the first condition path that holds a
boolean decides; no answer means enabled: helm.sh/helm pkg/chart/v2/util/dependencies.go), and
reports a subchart that was enabled and no longer is when its name (or alias) says it is
protective:

- monitoring and logging (monitoring category): Prometheus, its operator stack, exporters,
  kube-state-metrics, Alertmanager, Grafana, Loki, Promtail, Fluent Bit/Fluentd, Vector,
  OpenTelemetry collectors, Jaeger, Tempo, Thanos, VictoriaMetrics, Datadog, New Relic;
- policy and runtime security (security category): Gatekeeper, Kyverno, Falco, Trivy Operator,
  NeuVector, kube-bench.

Other subcharts (a database, a cache) switched off are not weakenings by themselves: what they
leave behind is judged on the rendered objects.

## Why is this bad?
Turning off the subchart removes everything it deploys: the scrape configs, alert rules and
dashboards, or the admission policies and runtime detection. Nothing in the application's own
templates changes, so the loss is easy to miss in review — and a subchart fetched from a
repository is not in the pull request to be rendered.

## Example
```yaml
# Chart.yaml                               # head values.yaml
dependencies:                              kube-prometheus-stack:
  - name: kube-prometheus-stack              enabled: false
    condition: kube-prometheus-stack.enabled
```

## How to resolve
Keep the subchart on, or approve the finding saying what monitors or protects the application
now. When the subchart renders (it is in `charts/`), the Kubernetes rules report the objects it
no longer deploys and this finding steps back.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import KINDS, STATUSES, WATCHES, facts, qualifier, rendered_identities, where

MONITORING = re.compile(
    r"prometheus|exporter|kube-state-metrics|alertmanager|grafana|loki|promtail|fluent|vector|opentelemetry|"
    r"otel|jaeger|tempo|thanos|victoria-?metrics|datadog|newrelic|nri-bundle|metrics-server|mimir"
)
SECURITY = re.compile(r"gatekeeper|kyverno|falco|trivy-operator|neuvector|kube-bench|starboard")
RENDERED = (
    "ServiceMonitor",
    "PodMonitor",
    "PrometheusRule",
    "NetworkPolicy",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    *WORKLOAD_TYPES,
)


def enabled(values: Any, condition: str, tags: tuple[str, ...]) -> bool:
    """Whether Helm loads a dependency with these values (tags first, conditions win)."""
    on = True
    tag_values = values.get("tags") if isinstance(values, dict) else None
    if tags and isinstance(tag_values, dict):
        found = [tag_values.get(t) for t in tags]
        if any(v is True for v in found):
            on = True
        elif any(v is False for v in found):
            on = False
    for raw in condition.split(","):
        path = raw.strip()
        if not path:
            continue
        value = get_path(values, tuple(path.split(".")))
        if isinstance(value, bool):
            return value
    return on


def kind_of(name: str) -> Category | None:
    lowered = name.lower()
    if SECURITY.search(lowered):
        return Category.SECURITY
    if MONITORING.search(lowered):
        return Category.MONITORING
    return None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = facts(change.before), facts(change.after)
    if change.before is None or change.after is None or before is None or after is None:
        return
    base_deps = {d[0]: d for d in before.dependencies}
    for key, condition, tags in after.dependencies:
        category = kind_of(key)
        if category is None or key not in base_deps:
            continue
        _, base_condition, base_tags = base_deps[key]
        if not enabled(change.before.body, base_condition, base_tags):
            continue
        if enabled(change.after.body, condition, tags):
            continue
        route = _switch_route(change.after.body, condition, tags)
        base_route = _switch_route(change.before.body, base_condition, base_tags)
        yield Hit(
            message=f"{where(change)}: subchart {key} switched off ({condition or 'tags ' + ', '.join(tags)})"
            f"{qualifier(change)}",
            attr=f"dependencies[{key}]",
            head_route=route,
            base_route=base_route,
            before=True,
            after=False,
            category=category,
            yields_to=rendered_identities(change, ctx, RENDERED),
        )


def _switch_route(values: Any, condition: str, tags: tuple[str, ...]) -> tuple[str, ...]:
    """Where the deciding switch is written: the first condition path that holds a boolean, else
    the first tag set, else the dependency's values key."""
    for raw in condition.split(","):
        path = tuple(raw.strip().split("."))
        if raw.strip() and isinstance(get_path(values, path), bool):
            return path
    tag_values = values.get("tags") if isinstance(values, dict) else None
    for t in tags:
        if isinstance(tag_values, dict) and isinstance(tag_values.get(t), bool):
            return ("tags", t)
    return tuple(condition.split(",", maxsplit=1)[0].strip().split(".")[:1]) if condition else ()


RULE = Rule(
    code="HLM017",
    name="values-protective-subchart-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
