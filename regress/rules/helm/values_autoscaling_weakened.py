"""A chart's values lower the autoscaler's minimum or switch it off while one replica remains.

## What it does
Reports an `autoscaling` (or `hpa`) values block, at any depth, whose `minReplicas` went down
while it stays enabled, whose `maxReplicas` went down, or whose `enabled` went from true to false
while the replica count beside it (`replicaCount`/`replicas`, default 1) is 1 or less.

## Why is this bad?
With an autoscaler the minimum is the floor the service never goes below; a lower floor is less
headroom at the worst moment (a traffic spike right after a quiet period). Switching the
autoscaler off while the fixed count is one leaves a single pod.

## Example
```yaml
# base values.yaml              # head values.yaml
autoscaling:                    autoscaling:
  enabled: true                   enabled: true
  minReplicas: 3                  minReplicas: 1
```

## How to resolve
Keep the minimum, or approve the finding with the capacity reasoning. When the chart renders,
the Kubernetes rules report the rendered HorizontalPodAutoscaler and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import SCALABLE_TYPES
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import KINDS, STATUSES, WATCHES, paired, qualifier, rendered_identities, text, truthy, where
from regress.rules.helm.values_replicas_reduced import count

NAMES = frozenset({"autoscaling", "hpa"})


def _fixed_replicas(values: Any, block_route: tuple[Any, ...]) -> int:
    node = values
    for step in block_route[:-1]:
        node = node.get(step) if isinstance(node, dict) else None
    if isinstance(node, dict):
        for key in ("replicaCount", "replicas"):
            n = count(node.get(key))
            if n is not None:
                return n
    return 1


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, (*SCALABLE_TYPES, "HorizontalPodAutoscaler"))
    for _, base, head in paired(change, NAMES):
        if base is None or head is None or not isinstance(base[1], dict) or not isinstance(head[1], dict):
            continue
        was_on, now_on = truthy(base[1].get("enabled")), truthy(head[1].get("enabled"))
        if was_on is True and now_on is not True:
            replicas = _fixed_replicas(change.after.body, head[0])
            if replicas <= 1:
                route = (*head[0], "enabled")
                yield Hit(
                    message=f"{where(change)}: {text(route)} true → {'false' if now_on is False else 'absent'} "
                    f"while the fixed replica count is {replicas}{qualifier(change)}",
                    attr=text(route),
                    head_route=route,
                    base_route=(*base[0], "enabled"),
                    before=True,
                    after=now_on,
                    severity=Severity.HIGH,
                    yields_to=yields,
                )
            continue
        if now_on is False:
            continue
        for field in ("minReplicas", "maxReplicas"):
            was, now = count(base[1].get(field)), count(head[1].get(field))
            if was is None or now is None or now >= was:
                continue
            route = (*head[0], field)
            yield Hit(
                message=f"{where(change)}: {text(route)} {was} → {now}{qualifier(change)}",
                attr=text(route),
                head_route=route,
                base_route=(*base[0], field),
                before=was,
                after=now,
                severity=Severity.HIGH if field == "minReplicas" and now <= 1 < was else None,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM002",
    name="values-autoscaling-weakened",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
