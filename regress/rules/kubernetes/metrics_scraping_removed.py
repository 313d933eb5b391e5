"""Metrics of a workload are no longer scraped.

## What it does
- A ServiceMonitor or PodMonitor (prometheus-operator), or a PodMonitoring (Google Managed
  Prometheus), removed while what it selected remains: the Services (ServiceMonitor) or workloads
  (PodMonitor, PodMonitoring) matching its selector, found beside it. When they are removed in
  the same change the removal is silent; when none can be found it is reported.
- The `prometheus.io/scrape: "true"` annotation removed or set to anything else, on a Service or
  a pod template that stays.
- An exporter sidecar (a container whose name or image says `exporter`) removed from a workload
  that stays, unless another exporter takes its place.

Changing how the targets are scraped (a ServiceMonitor's path, port or interval; scraping the
kubelet directly instead of through the API server proxy) is not a removal and is silent.

## Why is this bad?
Dashboards and alerts built on these metrics go quiet without failing: an alert on a
metric that is no longer collected never fires.

## Example
```yaml
# base: servicemonitor.yaml               # head: servicemonitor.yaml deleted
kind: ServiceMonitor
spec:
  selector: {matchLabels: {app: api}}
  endpoints: [{port: metrics}]
```

## How to resolve
Keep the monitor, or approve the finding saying what collects the metrics now.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import (
    namespace,
    namespaces_selected,
    object_labels,
    pod_labels,
    selector_matches,
)
from regress.kinds.kubernetes.workload import (
    WORKLOAD_TYPES,
    Container,
    object_annotations,
    pair_containers,
    pod_annotations,
    pod_template_route,
)
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import removal_leaves_targets

MONITORS = ("ServiceMonitor", "PodMonitor", "PodMonitoring")
SCRAPE = "prometheus.io/scrape"
_EXPORTER = re.compile(r"exporter", re.I)


def targets(monitor: ModelObject, obj: ModelObject) -> bool:
    """Whether ``monitor`` scrapes ``obj`` (a Service for a ServiceMonitor, a workload otherwise)."""
    spaces = namespaces_selected(monitor) if monitor.type != "PodMonitoring" else {namespace(monitor)}
    if spaces is not None and namespace(obj) not in spaces:
        return False
    selector = get_path(monitor.body, ("spec", "selector"))
    if monitor.type == "ServiceMonitor":
        return obj.type == "Service" and selector_matches(selector, object_labels(obj))
    return obj.type in WORKLOAD_TYPES and selector_matches(selector, pod_labels(obj))


def is_exporter(c: Container) -> bool:
    image = c.body.get("image")
    return bool(_EXPORTER.search(c.name) or (isinstance(image, str) and _EXPORTER.search(image)))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None:
        return
    if head is None:
        if base.type in MONITORS and removal_leaves_targets(ctx, base, lambda o: targets(base, o)):
            yield Hit(
                message=f"{base.label} was removed: its targets are no longer scraped",
                attr="object",
                base_route=(),
            )
        return
    if head.type == "Service":
        yield from _annotation(head, object_annotations(base), object_annotations(head), ("metadata", "annotations"))
        return
    if head.type in WORKLOAD_TYPES:
        meta = pod_template_route(head) or ()
        yield from _annotation(head, pod_annotations(base), pod_annotations(head), (*meta, "annotations"))
        yield from _exporters(base, head)


def _annotation(
    head: ModelObject, was: dict[str, object], now: dict[str, object], route: tuple[str, ...]
) -> Iterator[Hit]:
    if str(was.get(SCRAPE)).lower() != "true" or str(now.get(SCRAPE)).lower() == "true":
        return
    shown = f'"{now[SCRAPE]}"' if SCRAPE in now else "removed"
    yield Hit(
        message=f'{head.label}: {SCRAPE} "true" → {shown}, Prometheus no longer scrapes it',
        attr=f"annotations[{SCRAPE}]",
        head_route=(*route, SCRAPE),
        base_route=(*route, SCRAPE),
        before=was.get(SCRAPE),
        after=now.get(SCRAPE),
    )


def _exporters(base: ModelObject, head: ModelObject) -> Iterator[Hit]:
    pairs = pair_containers(base, head)
    kept = any(after is not None and is_exporter(after) for _, after in pairs)
    for before, after in pairs:
        if before is None or before.list_name != "containers" or not is_exporter(before):
            continue
        if after is not None and is_exporter(after):
            continue
        if after is None and kept:
            continue
        yield Hit(
            message=f"{head.label}: exporter {before.label} was removed, its metrics are no longer exposed",
            attr=f"{before.attr}.exporter",
            head_route=(*before.route[:-1],),
            base_route=before.route,
            before=before.body.get("image"),
        )


RULE = Rule(
    code="K8S036",
    name="metrics-scraping-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in (*MONITORS, "Service", *WORKLOAD_TYPES)),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
