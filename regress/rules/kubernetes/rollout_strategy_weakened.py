"""A workload's rollouts got less safe.

## What it does
- Deployment `strategy.type` RollingUpdate (the default) → `Recreate`, and DeploymentConfig
  `Rolling` → `Recreate`: medium, every rollout stops all pods before starting new ones.
- `maxUnavailable` of a rolling update raised (Deployment default 25%, DaemonSet and StatefulSet
  default 1; DeploymentConfig `rollingParams`): low. Integers compare with integers,
  percentages with percentages; across forms the head's `replicas` converts them (a Deployment
  rounds `maxUnavailable` percentages down). Unknown stays unjudged.
- `minReadySeconds` lowered or removed: low, a new pod counts as available before it has proved
  itself.
- StatefulSet `podManagementPolicy` OrderedReady (the default) → `Parallel`: low.

Raising `maxSurge`, tightening any of these, and `progressDeadlineSeconds` are not reported.

## Why is this bad?
These settings decide how much capacity a rollout may take away and how quickly a bad version
replaces a good one. A `Recreate` rollout is a planned outage on every deploy.

## Example
```yaml
# base                        # head
strategy:                     strategy:
  type: RollingUpdate           type: Recreate
  rollingUpdate:
    maxUnavailable: 0
```

## How to resolve
Keep the rolling strategy and its bounds, or approve the finding with the reason (a workload that
cannot run two versions at once).

## Options
None.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Change, ModelObject, Route, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.replicas_reduced import replicas

#: Where each kind keeps its strategy type, maxUnavailable, and the default maxUnavailable
#: (Kubernetes API reference; OpenShift DeploymentConfig docs).
STRATEGY: dict[str, tuple[Route, Route, str | int, str, str]] = {
    "Deployment": (
        ("spec", "strategy", "type"),
        ("spec", "strategy", "rollingUpdate", "maxUnavailable"),
        "25%",
        "RollingUpdate",
        "Recreate",
    ),
    "DeploymentConfig": (
        ("spec", "strategy", "type"),
        ("spec", "strategy", "rollingParams", "maxUnavailable"),
        "25%",
        "Rolling",
        "Recreate",
    ),
    "DaemonSet": (
        ("spec", "updateStrategy", "type"),
        ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
        1,
        "RollingUpdate",
        "",
    ),
    "StatefulSet": (
        ("spec", "updateStrategy", "type"),
        ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
        1,
        "RollingUpdate",
        "",
    ),
}


def _unavailable(value: Any, default: str | int, count: int | None) -> tuple[int, bool] | None:
    """(value, is percent) of maxUnavailable, or converted to pods when ``count`` is given."""
    if value is None:
        value = default
    if isinstance(value, int) and not isinstance(value, bool):
        return value, False
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        pct = int(value[:-1])
        if count is None:
            return pct, True
        return math.floor(pct * count / 100), False
    return None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    base, head = change.before, change.after
    if base is None or head is None or head.type not in STRATEGY:
        return
    type_route, max_route, default, rolling, recreate = STRATEGY[head.type]
    was_type = get_path(base.body, type_route) or rolling
    now_type = get_path(head.body, type_route) or rolling
    if recreate and was_type == rolling and now_type == recreate:
        yield Hit(
            message=f"{head.label}: rollout strategy {was_type} → {now_type} (all pods stop before new ones start)",
            attr="spec.strategy.type",
            head_route=type_route,
            base_route=type_route,
            before=was_type,
            after=now_type,
            severity=Severity.MEDIUM,
        )
    if now_type == rolling and was_type == rolling:
        yield from _max_unavailable(base, head, max_route, default)
    yield from _min_ready(base, head)
    if head.type == "StatefulSet":
        was_p = get_path(base.body, ("spec", "podManagementPolicy")) or "OrderedReady"
        now_p = get_path(head.body, ("spec", "podManagementPolicy")) or "OrderedReady"
        if was_p == "OrderedReady" and now_p == "Parallel":
            yield Hit(
                message=f"{head.label}: podManagementPolicy OrderedReady → Parallel (pods start and stop all at once)",
                attr="spec.podManagementPolicy",
                head_route=("spec", "podManagementPolicy"),
                base_route=("spec", "podManagementPolicy"),
                before=was_p,
                after=now_p,
            )


def _max_unavailable(base: ModelObject, head: ModelObject, route: Route, default: str | int) -> Iterator[Hit]:
    raw_was, raw_now = get_path(base.body, route), get_path(head.body, route)
    was, now = _unavailable(raw_was, default, None), _unavailable(raw_now, default, None)
    if was is None or now is None:
        return
    if was[1] != now[1]:
        count = replicas(get_path(head.body, ("spec", "replicas"))) if head.type != "DaemonSet" else None
        if count is None:
            return
        was, now = _unavailable(raw_was, default, count), _unavailable(raw_now, default, count)
        if was is None or now is None:
            return
    if now[0] <= was[0]:
        return
    shown_was = raw_was if raw_was is not None else f"{default} (default)"
    yield Hit(
        message=f"{head.label}: a rollout may take down more pods at once (maxUnavailable {shown_was} → {raw_now})",
        attr="maxUnavailable",
        head_route=route,
        base_route=route,
        before=raw_was,
        after=raw_now,
    )


def _min_ready(base: ModelObject, head: ModelObject) -> Iterator[Hit]:
    route = ("spec", "minReadySeconds")
    was, now = get_path(base.body, route), get_path(head.body, route)
    if not isinstance(was, int) or isinstance(was, bool) or was <= 0:
        return
    now_n = 0 if now is None else now
    if not isinstance(now_n, int) or isinstance(now_n, bool) or now_n >= was:
        return
    yield Hit(
        message=f"{head.label}: minReadySeconds {was} → {now if now is not None else 'absent (0)'}",
        attr="spec.minReadySeconds",
        head_route=route,
        base_route=route,
        before=was,
        after=now,
    )


RULE = Rule(
    code="K8S032",
    name="rollout-strategy-weakened",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in STRATEGY),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
