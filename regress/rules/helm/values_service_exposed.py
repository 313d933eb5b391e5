"""A chart's values expose a Service outside the cluster.

## What it does
Reads every values block named `service` (at any depth, e.g. `server.service`,
case-insensitively) and reports

- `type` moving up the exposure order `ClusterIP` < `NodePort` < `LoadBalancer` (an explicit
  `ClusterIP` → `NodePort`, or anything below `LoadBalancer` → `LoadBalancer`);
- for a `LoadBalancer`, `loadBalancerSourceRanges` emptied or removed (open to any address).

A `type` that was not set is left alone: its default is the chart's, not Kubernetes'. Going the
other way (`LoadBalancer` → `ClusterIP`) is a strengthening.

## Why is this bad?
A NodePort opens the port on every node; a LoadBalancer puts the Service on the load balancer's
address, usually the internet. What was reachable only from inside the cluster (an admin UI, a
database) becomes reachable by anyone who can reach the nodes or the load balancer.

## Example
```yaml
# base values.yaml              # head values.yaml
service:                        service:
  type: ClusterIP                 type: LoadBalancer
  port: 5432                      port: 5432
```

## How to resolve
Keep the Service internal and expose it through an Ingress with authentication, restrict the
source ranges, or approve the finding with the reason. When the chart renders, the Kubernetes
rules report the rendered Service and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import KINDS, STATUSES, WATCHES, paired, qualifier, rendered_identities, text, where

NAMES = frozenset({"service"})
#: Service types by how far they expose the Service (core/v1 ServiceSpec.type).
EXPOSURE = {"clusterip": 0, "nodeport": 1, "loadbalancer": 2}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, ("Service",))
    for _, base, head in paired(change, NAMES):
        if base is None or head is None or not isinstance(base[1], dict) or not isinstance(head[1], dict):
            continue
        was, now = base[1].get("type"), head[1].get("type")
        was_rank = EXPOSURE.get(str(was).lower()) if isinstance(was, str) else None
        now_rank = EXPOSURE.get(str(now).lower()) if isinstance(now, str) else None
        block = text(head[0])
        if was_rank is not None and now_rank is not None and now_rank > was_rank:
            yield Hit(
                message=f"{where(change)}: {block}.type {was} → {now}{qualifier(change)}",
                attr=f"{block}.type",
                head_route=(*head[0], "type"),
                base_route=(*base[0], "type"),
                before=was,
                after=now,
                severity=Severity.HIGH if now_rank == EXPOSURE["loadbalancer"] else None,
                yields_to=yields,
            )
        ranges_was = base[1].get("loadBalancerSourceRanges")
        ranges_now = head[1].get("loadBalancerSourceRanges")
        if now_rank == EXPOSURE["loadbalancer"] and isinstance(ranges_was, list) and ranges_was and not ranges_now:
            yield Hit(
                message=f"{where(change)}: {block}.loadBalancerSourceRanges removed: the load balancer accepts "
                f"any address{qualifier(change)}",
                attr=f"{block}.loadBalancerSourceRanges",
                head_route=(*head[0], "loadBalancerSourceRanges") if "loadBalancerSourceRanges" in head[1] else head[0],
                base_route=(*base[0], "loadBalancerSourceRanges"),
                before=list(ranges_was),
                after=ranges_now,
                severity=Severity.HIGH,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM013",
    name="values-service-exposed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
