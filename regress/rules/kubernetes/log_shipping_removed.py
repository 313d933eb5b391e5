"""A log shipper was removed: a logging agent or sidecar no longer forwards logs.

## What it does
Recognises log shippers by image or container name (Fluent Bit, Fluentd, Vector, Filebeat,
Logstash, Promtail, Grafana Alloy/Agent, the OpenTelemetry Collector, logspout) and reports:

- a workload running one (typically a DaemonSet) removed, unless another workload running a log
  shipper is there on the head side (a replacement: Fluentd → Fluent Bit);
- a log-shipping sidecar removed from a workload that stays, unless another shipper container
  remains in it.

## Why is this bad?
Logs that are not shipped live only on the node until the pod or node goes away: incident
timelines, audit evidence and log-based alerts lose them without any error.

## Example
```yaml
# base                                 # head
containers:                            containers:
  - name: app                            - name: app
  - name: fluent-bit
    image: fluent/fluent-bit:3.0
```

## How to resolve
Keep the shipper, or approve the finding saying how logs are collected now.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, Container, containers, pair_containers
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners

SHIPPER = re.compile(
    r"fluent-?bit|fluentd|(^|/)vector(:|@|$)|timberio/vector|filebeat|logstash|promtail|grafana/alloy|grafana/agent"
    r"|opentelemetry-collector|otel-?collector|logspout|log-?shipper|logging-agent",
    re.I,
)


def is_shipper(c: Container) -> bool:
    image = c.body.get("image")
    return bool(SHIPPER.search(c.name) or (isinstance(image, str) and SHIPPER.search(image)))


def ships_logs(obj: ModelObject) -> bool:
    return any(c.list_name == "containers" and is_shipper(c) for c in containers(obj).values())


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None:
        return
    if head is None:
        if not ships_logs(base):
            return
        if any(o.type in WORKLOAD_TYPES and ships_logs(o) for o in partners(ctx, "head", base)):
            return
        yield Hit(
            message=f"log shipper {base.label} was removed",
            attr="object",
            base_route=(),
        )
        return
    pairs = pair_containers(base, head)
    kept = any(after is not None and after.list_name == "containers" and is_shipper(after) for _, after in pairs)
    for before, after in pairs:
        if before is None or before.list_name != "containers" or not is_shipper(before):
            continue
        if after is not None and is_shipper(after):
            continue
        if after is None and kept:
            continue
        yield Hit(
            message=f"{head.label}: log-shipping {before.label} was removed",
            attr=f"{before.attr}.log-shipper",
            head_route=before.route[:-1],
            base_route=before.route,
            before=before.body.get("image"),
        )


RULE = Rule(
    code="K8S038",
    name="log-shipping-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
