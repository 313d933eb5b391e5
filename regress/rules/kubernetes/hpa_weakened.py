"""A HorizontalPodAutoscaler keeps fewer replicas, or was removed from a workload that needs it.

## What it does
- `minReplicas` goes down (absent means 1): medium; down to 1: high.
- `maxReplicas` goes down: low (the message says so when it now equals `minReplicas`, i.e. the
  workload no longer scales).
- The HPA is removed while its workload stays, and the workload's own `replicas` (absent: 1) is
  below the HPA's old minimum: medium, high at one replica. If the workload is removed as well,
  or cannot be found, nothing is reported.

Raising either bound is silent.

## Why is this bad?
While an HPA owns a workload, `minReplicas` is its floor: lowering it is the same cut as lowering
`replicas` (which `replicas-reduced` deliberately ignores for HPA-managed workloads). A lower
ceiling caps how far the workload can absorb load.

## Example
```yaml
# base                # head
spec:                 spec:
  minReplicas: 3        minReplicas: 1
  maxReplicas: 10       maxReplicas: 10
```

## How to resolve
Keep the floor, or approve the finding with the capacity reasoning.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import namespace, scale_target
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners
from regress.rules.kubernetes.replicas_reduced import replicas


def _count(value: object, default: int | None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is not None and head is None:
        yield from _removed(ctx, base)
        return
    if base is None or head is None:
        return
    was_min = _count(get_path(base.body, ("spec", "minReplicas")), 1)
    now_min = _count(get_path(head.body, ("spec", "minReplicas")), 1)
    if was_min is not None and now_min is not None and now_min < was_min:
        yield Hit(
            message=f"{head.label}: minReplicas {was_min} → {now_min}",
            attr="spec.minReplicas",
            head_route=("spec", "minReplicas"),
            base_route=("spec", "minReplicas"),
            before=was_min,
            after=now_min,
            severity=Severity.HIGH if now_min <= 1 < was_min else None,
        )
    was_max = _count(get_path(base.body, ("spec", "maxReplicas")), None)
    now_max = _count(get_path(head.body, ("spec", "maxReplicas")), None)
    if was_max is not None and now_max is not None and now_max < was_max:
        fixed = " (now equal to minReplicas: the workload no longer scales)" if now_min == now_max else ""
        yield Hit(
            message=f"{head.label}: maxReplicas {was_max} → {now_max}{fixed}",
            attr="spec.maxReplicas",
            head_route=("spec", "maxReplicas"),
            base_route=("spec", "maxReplicas"),
            before=was_max,
            after=now_max,
            severity=Severity.LOW,
        )


def _removed(ctx: RuleContext, hpa: ModelObject) -> Iterator[Hit]:
    was_min = _count(get_path(hpa.body, ("spec", "minReplicas")), 1)
    if was_min is None:
        return
    # The target is in the autoscaler's namespace (scaleTargetRef has no namespace field).
    target_base = scale_target(hpa, partners(ctx, "base", hpa, namespace(hpa)))
    if target_base is None:
        return
    survivors = {o.key: o for o in partners(ctx, "head", target_base, namespace(target_base))}
    target = survivors.get(target_base.key)
    if target is None:
        return  # the workload went with it
    count = replicas(get_path(target.body, ("spec", "replicas")))
    if count is None or count >= was_min:
        return
    yield Hit(
        message=f"{hpa.label} was removed; {target.label} now runs {count} replica{'s' if count != 1 else ''} "
        f"where the HPA kept at least {was_min}",
        attr="object",
        head_obj=target,
        head_route=("spec", "replicas"),
        base_route=("spec", "minReplicas"),
        before=was_min,
        after=count,
        severity=Severity.HIGH if count <= 1 else Severity.MEDIUM,
    )


RULE = Rule(
    code="K8S023",
    name="hpa-weakened",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "HorizontalPodAutoscaler"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
