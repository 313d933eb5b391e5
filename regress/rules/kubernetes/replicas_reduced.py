"""A workload's replica count went down.

## What it does
Reports a Deployment, StatefulSet, ReplicaSet, ReplicationController or DeploymentConfig whose
`spec.replicas` is lower than before. An absent `replicas` counts as Kubernetes' default, 1.
Changes are ignored while a HorizontalPodAutoscaler (or a KEDA ScaledObject, which drives one)
targets the workload on the head side: the autoscaler owns the count then, and dropping
`replicas` is the recommended practice when adding one (the HPA's own minimum is checked by
`hpa-weakened`).

## Why is this bad?
Fewer replicas means less headroom and, at one replica, no availability during a rollout, a node
drain or a crash. Absolute checks (kube-score, Polaris: at least 2) pass a cut from 5 to 2.

## Example
```yaml
# base                    # head
spec:                     spec:
  replicas: 5               replicas: 3
```

## How to resolve
Keep the replica count, let an HPA own it, or approve the finding with the capacity reasoning.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import hpa_for, namespace
from regress.kinds.kubernetes.workload import SCALABLE_TYPES
from regress.model import Change, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners

ROUTE = ("spec", "replicas")


def replicas(value: object) -> int | None:
    """The effective count: absent is 1; anything that is not a plain number is unknown."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    raw_before = get_path(change.before.body, ROUTE)
    raw_after = get_path(change.after.body, ROUTE)
    before, after = replicas(raw_before), replicas(raw_after)
    if before is None or after is None or after >= before:
        return
    # An autoscaler scales a workload of its own namespace only.
    if hpa_for(change.after, partners(ctx, "head", change.after, namespace(change.after))) is not None:
        return
    severity = Severity.HIGH if after <= 1 < before else None
    shown_after = "absent (1)" if raw_after is None else str(after)
    yield Hit(
        message=f"{change.after.label}: replicas {before} → {shown_after}",
        attr="spec.replicas",
        head_route=ROUTE,
        base_route=ROUTE,
        before=before,
        after=after,
        severity=severity,
    )


RULE = Rule(
    code="K8S022",
    name="replicas-reduced",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in SCALABLE_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
