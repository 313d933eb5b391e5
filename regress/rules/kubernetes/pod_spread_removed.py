"""A workload's replicas are no longer spread across nodes or zones.

## What it does
Collects, per topology key (hostname, zone, region, …), how strongly the pod template spreads its
replicas: *hard* (`podAntiAffinity.requiredDuringScheduling…`, or a `topologySpreadConstraint`
with `whenUnsatisfiable: DoNotSchedule`) or *soft* (`preferredDuringScheduling…`,
`ScheduleAnyway`). Reports a key whose spread got weaker: hard → none is medium, hard → soft
and soft → none are low. Moving between anti-affinity and topology spread constraints on the
same key, and renaming a deprecated key (`failure-domain.beta.kubernetes.io/zone` →
`topology.kubernetes.io/zone`), are silent. Only workloads that can run more than one replica on
the head side are checked: `replicas` > 1 or an autoscaler allowing more.

## Why is this bad?
Without spread the scheduler may put every replica on one node or in one zone: that node's
failure or drain, or that zone's outage, takes the whole service down despite its replica count.

## Example
```yaml
# base                                           # head
topologySpreadConstraints:                        topologySpreadConstraints:
  - topologyKey: topology.kubernetes.io/zone        - topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule                  whenUnsatisfiable: ScheduleAnyway
    maxSkew: 1                                        maxSkew: 1
```

## How to resolve
Keep the spread, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import hpa_for, namespace
from regress.kinds.kubernetes.workload import SCALABLE_TYPES, pod_spec, pod_spec_route
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners
from regress.rules.kubernetes.replicas_reduced import replicas

SOFT, HARD = 1, 2
_STRENGTH = {SOFT: "soft (preferred)", HARD: "hard (required)"}
#: Deprecated well-known labels and their replacements (Kubernetes docs, "Well-Known Labels").
ALIASES = {
    "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
    "beta.kubernetes.io/hostname": "kubernetes.io/hostname",
}


def spread(spec: dict[str, Any]) -> dict[str, int]:
    """Topology key → strongest spread the pod spec asks for along it."""
    out: dict[str, int] = {}

    def add(key: Any, strength: int) -> None:
        if isinstance(key, str) and key:
            key = ALIASES.get(key, key)
            out[key] = max(out.get(key, 0), strength)

    anti = get_path(spec, ("affinity", "podAntiAffinity"))
    if isinstance(anti, dict):
        for term in _list(anti.get("requiredDuringSchedulingIgnoredDuringExecution")):
            add(term.get("topologyKey"), HARD)
        for term in _list(anti.get("preferredDuringSchedulingIgnoredDuringExecution")):
            inner = term.get("podAffinityTerm")
            if isinstance(inner, dict):
                add(inner.get("topologyKey"), SOFT)
    for tsc in _list(spec.get("topologySpreadConstraints")):
        add(tsc.get("topologyKey"), HARD if tsc.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule" else SOFT)
    return out


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def may_run_several(ctx: RuleContext, obj: ModelObject) -> bool:
    count = replicas(get_path(obj.body, ("spec", "replicas")))
    if count is not None and count > 1:
        return True
    scaler = hpa_for(obj, partners(ctx, "head", obj, namespace(obj)))  # same-namespace only
    if scaler is None:
        return False
    top = get_path(
        scaler.body, ("spec", "maxReplicas" if scaler.type == "HorizontalPodAutoscaler" else "maxReplicaCount")
    )
    return not isinstance(top, int) or top > 1


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None or head is None:
        return
    was, now = spread(pod_spec(base)), spread(pod_spec(head))
    weaker = {k: v for k, v in was.items() if now.get(k, 0) < v}
    if not weaker or not may_run_several(ctx, head):
        return
    route = tuple(pod_spec_route(head) or ())
    for key, strength in sorted(weaker.items()):
        left = now.get(key, 0)
        shown = _STRENGTH[left] if left else "none"
        yield Hit(
            message=f"{head.label}: replicas spread across {key} {_STRENGTH[strength]} → {shown}",
            attr=f"spread[{key}]",
            head_route=(*route, "topologySpreadConstraints")
            if "topologySpreadConstraints" in pod_spec(head)
            else (*route, "affinity"),
            base_route=(*(pod_spec_route(base) or ()),),
            before=_STRENGTH[strength],
            after=shown if left else None,
            severity=Severity.MEDIUM if strength == HARD and not left else None,
        )


RULE = Rule(
    code="K8S031",
    name="pod-spread-removed",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in SCALABLE_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
