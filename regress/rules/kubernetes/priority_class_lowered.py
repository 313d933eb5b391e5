"""A workload's scheduling priority was removed or lowered.

## What it does
Reports a pod spec whose `priorityClassName` is removed (the pod falls back to the cluster's
global default class, or priority 0), or changed to a class with a lower `value`. Values come
from the built-in classes (`system-node-critical` 2000001000, `system-cluster-critical`
2000000000) and from PriorityClass objects found beside the workload; a change between classes
whose values are unknown is not judged. Removing a class whose value is known to be 0 or less is
silent.

## Why is this bad?
Priority decides who is preempted when the cluster is full and who is evicted first under node
pressure: a critical service that loses its class is the first to go when capacity is short.

## Example
```yaml
# base                                  # head
spec:                                   spec:
  priorityClassName: business-critical    containers: [...]
  containers: [...]
```

## How to resolve
Keep the priority class, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pod_field, pod_spec_route
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners

#: Built-in classes (Kubernetes docs, "Pod Priority and Preemption").
BUILTIN = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


def class_value(ctx: RuleContext, side: str, obj: ModelObject, name: str) -> int | None:
    if name in BUILTIN:
        return BUILTIN[name]
    for o in partners(ctx, side, obj):
        if o.type == "PriorityClass" and o.key[3] == name:
            value = get_path(o.body, ("value",))
            return value if isinstance(value, int) and not isinstance(value, bool) else None
    return None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None or head is None:
        return
    was, now = pod_field(base, "priorityClassName"), pod_field(head, "priorityClassName")
    if not isinstance(was.value, str) or was.value == now.value:
        return
    was_value = class_value(ctx, "base", base, was.value)
    if now.value is None:
        if was_value is not None and was_value <= 0:
            return
        detail = "removed (the cluster's default priority applies)"
    else:
        now_value = class_value(ctx, "head", head, str(now.value))
        if was_value is None or now_value is None or now_value >= was_value:
            return
        detail = f"{was.value} ({was_value}) → {now.value} ({now_value})"
    yield Hit(
        message=f"{head.label}: priorityClassName {was.value} {detail}"
        if now.value is None
        else f"{head.label}: priority lowered, {detail}",
        attr="spec.priorityClassName",
        head_route=now.route or (*(pod_spec_route(head) or ()), "priorityClassName"),
        base_route=was.route,
        before=was.value,
        after=now.value,
    )


RULE = Rule(
    code="K8S033",
    name="priority-class-lowered",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
