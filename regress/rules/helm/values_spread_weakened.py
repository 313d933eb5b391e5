"""A chart's values stop spreading replicas across nodes or zones.

## What it does
Compares, in every values block (at any depth) that holds them:

- `affinity.podAntiAffinity` removed, or its `requiredDuringSchedulingIgnoredDuringExecution`
  terms dropped (only `preferred…` left, or nothing);
- `podAntiAffinityPreset` (the Bitnami convention) `hard` → `soft`, or `hard`/`soft` → empty or
  gone;
- `topologySpreadConstraints` emptied or removed, or one of its constraints'
  `whenUnsatisfiable: DoNotSchedule` → `ScheduleAnyway`.

Silent when the same block's `replicaCount`/`replicas` is 1 or less in the head (one pod has
nothing to spread), and when the settings moved to another key with the same content.

## Why is this bad?
Without anti-affinity or spread constraints the scheduler may put every replica on one node or
in one zone: a single node drain or zone outage takes the whole service down, however many
replicas it has.

## Example
```yaml
# base values.yaml                  # head values.yaml
podAntiAffinityPreset: hard         podAntiAffinityPreset: soft
replicaCount: 3                     replicaCount: 3
```

## How to resolve
Keep the spread, or approve the finding with the reason. When the chart renders, the Kubernetes
rules report the rendered workloads and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import (
    KINDS,
    STATUSES,
    WATCHES,
    blocks,
    parent_exists,
    qualifier,
    rendered_identities,
    show,
    text,
    where,
)
from regress.rules.helm.values_replicas_reduced import count

NAMES = frozenset({"affinity", "podantiaffinitypreset", "topologyspreadconstraints"})
REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PRESETS = {"hard": 2, "soft": 1}


def _single_replica(values: Any, route: Route) -> bool:
    node = values
    for step in route[:-1]:
        node = node.get(step) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return False
    for key in ("replicaCount", "replicas"):
        n = count(node.get(key))
        if n is not None:
            return n <= 1
    return False


def _anti(value: Any) -> dict[str, Any]:
    anti = value.get("podAntiAffinity") if isinstance(value, dict) else None
    return anti if isinstance(anti, dict) else {}


def _hard_constraints(value: Any) -> int:
    items = value if isinstance(value, list) else []
    return sum(
        1 for c in items if isinstance(c, dict) and c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule"
    )


def weakening(name: str, was: Any, now: Any) -> str | None:
    """What got weaker in one setting, or None."""
    if name == "affinity":
        before, after = _anti(was), _anti(now)
        if before and not after:
            return "podAntiAffinity removed"
        if before.get(REQUIRED) and not after.get(REQUIRED):
            return f"podAntiAffinity.{REQUIRED} removed"
        return None
    if name == "podantiaffinitypreset":
        rank_was = PRESETS.get(str(was).lower(), 0) if isinstance(was, str) else 0
        rank_now = PRESETS.get(str(now).lower(), 0) if isinstance(now, str) else 0
        return f"{show(was)} → {show(now) if now != '' else 'empty'}" if rank_now < rank_was else None
    items_was = was if isinstance(was, list) else []
    items_now = now if isinstance(now, list) else []
    if items_was and not items_now:
        return "removed"
    if _hard_constraints(items_now) < _hard_constraints(items_was):
        return "whenUnsatisfiable DoNotSchedule → ScheduleAnyway"
    return None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    head_values = change.after.body
    base_blocks, head_blocks = blocks(change.before.body, NAMES), blocks(head_values, NAMES)
    moved = {key[-1]: value for key, (_, value) in head_blocks.items()}
    yields: tuple[str, ...] | None = None
    for key, (base_route, was) in sorted(base_blocks.items()):
        found = head_blocks.get(key)
        if found is None:
            if not parent_exists(head_values, base_route) or (key[-1] in moved and moved[key[-1]] == was):
                continue
            route, now = base_route[:-1], None
        else:
            route, now = found
        what = weakening(key[-1], was, now)
        if what is None or _single_replica(head_values, found[0] if found else base_route):
            continue
        if yields is None:
            yields = rendered_identities(change, ctx, WORKLOAD_TYPES)
        yield Hit(
            message=f"{where(change)}: {text(base_route)}: {what}{qualifier(change)}",
            attr=text(base_route),
            head_route=route,
            base_route=base_route,
            before=was,
            after=now,
            yields_to=yields,
        )


RULE = Rule(
    code="HLM015",
    name="values-spread-weakened",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
