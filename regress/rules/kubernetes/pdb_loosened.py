"""A PodDisruptionBudget now lets more pods be evicted at once.

## What it does
Compares the budget as the disruption controller applies it: `minAvailable` lower or
`maxUnavailable` higher. Integers compare with integers and percentages with percentages;
across forms (`minAvailable: 2` → `maxUnavailable: 50%`) the replica count of the selected
workload (found beside the PDB; its autoscaler's `minReplicas` when it has one) converts both to
"pods that may be down", rounding percentages up as the controller does. When the count is
unknown, a change across forms is not judged. A budget that allowed no disruption at all
(`maxUnavailable: 0`, `minAvailable: 100%`, or all replicas) blocks node drains; relaxing it is a
trade-off, not reported. Reaching "every pod may go" (`minAvailable: 0`, `maxUnavailable: 100%`)
is high severity.

## Why is this bad?
The budget is the number of replicas that survive a node drain. Halving it halves the capacity
left during every cluster upgrade; a budget of zero available protects nothing.

## Example
```yaml
# base                # head
spec:                 spec:
  minAvailable: 2       minAvailable: 1
```

## How to resolve
Keep the budget, or approve the finding with the availability reasoning.

## Options
None.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import SCALER_TYPES, hpa_for, name, namespace, pod_labels, root, selects_pods_of
from regress.kinds.kubernetes.workload import SCALABLE_TYPES
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Index, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partner_parts
from regress.rules.kubernetes.replicas_reduced import replicas


@dataclass(frozen=True, slots=True)
class Budget:
    field: str  # minAvailable | maxUnavailable
    value: int
    percent: bool

    @property
    def text(self) -> str:
        return f"{self.field} {self.value}{'%' if self.percent else ''}"

    def may_be_down(self, count: int | None) -> int | None:
        """Pods that may be unavailable at once, given the replica count (None: unknown)."""
        if not self.percent:
            if self.field == "maxUnavailable":
                return self.value
            return None if count is None else max(count - self.value, 0)
        if count is None:
            return None
        scaled = math.ceil(self.value * count / 100)  # percentages round up (policy/v1 docs)
        return scaled if self.field == "maxUnavailable" else max(count - scaled, 0)

    @property
    def blocks_drains(self) -> bool:
        if self.field == "maxUnavailable":
            return self.value == 0
        return self.percent and self.value >= 100

    @property
    def allows_all(self) -> bool:
        if self.field == "minAvailable":
            return self.value == 0
        return self.percent and self.value >= 100


def budget(body: Any) -> Budget | None:
    spec = body.get("spec") if isinstance(body, dict) else None
    if not isinstance(spec, dict):
        return None
    for field in ("maxUnavailable", "minAvailable"):
        value = spec.get(field)
        if value is None:
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            return Budget(field, value, False)
        if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
            return Budget(field, int(value[:-1]), True)
        return None
    return None


def replica_count(ctx: RuleContext, pdb: ModelObject) -> int | None:
    """The replica count of the one workload the PDB selects on the head side, if known."""
    # A PDB selects pods of its own namespace only, and an autoscaler scales a workload of its own.
    ns, want = namespace(pdb), root(pdb)
    near, _ = partner_parts(ctx, "head", pdb, ns)
    lookup = ctx.head.derived(_Workloads.of)
    selector = get_path(pdb.body, ("spec", "selector"))
    near_ids = {id(o) for o in near}
    candidates = [*near, *(o for o in lookup.candidates(want, ns, selector) if id(o) not in near_ids)]
    counts = set()
    for obj in candidates:
        if obj.type not in SCALABLE_TYPES or not selects_pods_of(pdb, selector, obj):
            continue
        # The first autoscaler in partner order: those around the PDB, then the rest of the side.
        scaler = hpa_for(obj, near)
        if scaler is None:
            scaler = hpa_for(obj, lookup.scalers.get((want, ns, name(obj)), ()))
        if scaler is not None:
            key = "minReplicas" if scaler.type == "HorizontalPodAutoscaler" else "minReplicaCount"
            counts.add(replicas(get_path(scaler.body, ("spec", key))))
        else:
            counts.add(replicas(get_path(obj.body, ("spec", "replicas"))))
    return counts.pop() if len(counts) == 1 else None


@dataclass(frozen=True, slots=True)
class _Workloads:
    """One side's scalable workloads by (render root, namespace) and by each pod label, and its
    autoscalers by the name they target: built once per side, so that a change of many PDBs does
    not test every workload of the namespace against every PDB."""

    scalable: dict[tuple[str, str], list[ModelObject]]
    by_label: dict[tuple[str, str, Any, Any], list[ModelObject]]
    scalers: dict[tuple[str, str, Any], list[ModelObject]]

    @staticmethod
    def of(index: Index) -> _Workloads:
        scalable: dict[tuple[str, str], list[ModelObject]] = {}
        by_label: dict[tuple[str, str, Any, Any], list[ModelObject]] = {}
        scalers: dict[tuple[str, str, Any], list[ModelObject]] = {}
        for obj in index.family(FAMILY):
            where = (root(obj), namespace(obj))
            if obj.type in SCALABLE_TYPES:
                scalable.setdefault(where, []).append(obj)
                for key, value in pod_labels(obj).items():
                    if _hashable(value):
                        by_label.setdefault((*where, key, value), []).append(obj)
            elif obj.type in SCALER_TYPES:
                ref = get_path(obj.body, ("spec", "scaleTargetRef"))
                target = ref.get("name") if isinstance(ref, dict) else None
                if _hashable(target):
                    scalers.setdefault((*where, target), []).append(obj)
        return _Workloads(scalable, by_label, scalers)

    def candidates(self, want: str, ns: str, selector: Any) -> list[ModelObject]:
        """A superset of the workloads of (want, ns) that ``selector`` can select: those carrying
        its first ``matchLabels`` pair (every pair must match), else all of them."""
        match = selector.get("matchLabels") if isinstance(selector, dict) else None
        if isinstance(match, dict) and match:
            key, value = next(iter(match.items()))
            if _hashable(value):
                return self.by_label.get((want, ns, key, value), [])
        return self.scalable.get((want, ns), [])


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None or head is None:
        return
    was, now = budget(base.body), budget(head.body)
    if was is None or now is None or was == now or was.blocks_drains:
        return
    count = replica_count(ctx, head)
    if was.may_be_down(count) == 0:
        return  # the base budget blocked every eviction: relaxing it is a trade-off
    if was.field == now.field and was.percent == now.percent:
        looser = now.value < was.value if now.field == "minAvailable" else now.value > was.value
    else:
        was_down, now_down = was.may_be_down(count), now.may_be_down(count)
        if was_down is None or now_down is None:
            return
        looser = now_down > was_down
    if not looser:
        return
    of = f" of {count} replicas" if count is not None else ""
    all_down = now.allows_all or (count is not None and now.may_be_down(count) == count)
    yield Hit(
        message=f"{head.label}: {was.text} → {now.text}{of}"
        + (" (every pod may be evicted at once)" if all_down else ""),
        attr="spec.budget",
        head_route=("spec", now.field),
        base_route=("spec", was.field),
        before=was.text,
        after=now.text,
        severity=Severity.HIGH if all_down else None,
    )


RULE = Rule(
    code="K8S025",
    name="pdb-loosened",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "PodDisruptionBudget"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
