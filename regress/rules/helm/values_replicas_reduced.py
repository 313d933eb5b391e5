"""A chart's values lower a replica count.

## What it does
Reports a `replicaCount` or `replicas` value (at the top or inside a component block, e.g.
`haproxy.replicas`) that went down. Ignored when the same block has `autoscaling.enabled: true`
(or `hpa.enabled`) on the head side: the HorizontalPodAutoscaler owns the count then, and its
minimum is checked by `values-autoscaling-weakened`.

## Why is this bad?
Fewer replicas means less headroom and, at one replica, an outage on every rollout, node drain
or crash. Checks with absolute minimums (kube-score, Polaris: at least 2) pass a cut from 5 to 2.

## Example
```yaml
# base values.yaml              # head values.yaml
replicaCount: 3                 replicaCount: 1
```

## How to resolve
Keep the count, let an autoscaler own it, or approve the finding with the capacity reasoning.
When the chart renders, `replicas-reduced` reports the rendered workload and this finding steps
back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import SCALABLE_TYPES
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import KINDS, STATUSES, WATCHES, paired, qualifier, rendered_identities, text, truthy, where

NAMES = frozenset({"replicacount", "replicas"})
AUTOSCALERS = ("autoscaling", "hpa")


def count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def autoscaled(values: Any, route: Route) -> bool:
    """Whether the block holding ``route`` switches on an autoscaler beside it."""
    node = values
    for step in route[:-1]:
        node = node.get(step) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return False
    for key, block in node.items():
        is_autoscaler = isinstance(key, str) and key.lower() in AUTOSCALERS and isinstance(block, dict)
        if is_autoscaler and truthy(block.get("enabled")) is True:
            return True
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, (*SCALABLE_TYPES, "HorizontalPodAutoscaler"))
    for _, base, head in paired(change, NAMES):
        if base is None or head is None:
            continue
        was, now = count(base[1]), count(head[1])
        if was is None or now is None or now >= was or autoscaled(change.after.body, head[0]):
            continue
        yield Hit(
            message=f"{where(change)}: {text(head[0])} {was} → {now}{qualifier(change)}",
            attr=text(head[0]),
            head_route=head[0],
            base_route=base[0],
            before=was,
            after=now,
            severity=Severity.HIGH if now <= 1 < was else None,
            yields_to=yields,
        )


RULE = Rule(
    code="HLM001",
    name="values-replicas-reduced",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
