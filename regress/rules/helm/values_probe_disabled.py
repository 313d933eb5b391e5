"""A chart's values switch off or remove a liveness, readiness or startup probe.

## What it does
Reports a values block named `livenessProbe`, `readinessProbe` or `startupProbe` (at any depth,
e.g. `server.readinessProbe`, compared case-insensitively) that

- had `enabled: true` and now has `enabled: false`, or is gone while its parent stays (the
  Bitnami convention: the template writes the probe only when it is enabled), unless a
  `customLivenessProbe`-style block beside it now defines the probe;
- held a probe body (`httpGet`, `tcpSocket`, `exec` or `grpc`, written into the container with
  `toYaml`) and is now empty, null or gone while its parent stays.

A probe block that moved to another component key with its body or switch kept is not removed.

## Why is this bad?
Without a readiness probe a pod receives traffic before it can serve it and keeps receiving it
when it hangs; without a liveness probe a deadlocked process is never restarted. Either way the
failure stops being visible to the cluster (CATALOGUE.md §0.1 counts health probes as
monitoring).

## Example
```yaml
# base values.yaml              # head values.yaml
readinessProbe:                 readinessProbe:
  enabled: true                   enabled: false
  periodSeconds: 10               periodSeconds: 10
```

## How to resolve
Keep the probe, or approve the finding with the reason the workload cannot be probed. When the
chart renders, the Kubernetes rules report the rendered containers' probes and this finding steps
back.

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
    paired,
    parent_exists,
    qualifier,
    rendered_identities,
    switch_change,
    switched_off,
    text,
    truthy,
    where,
)

NAMES = frozenset({"livenessprobe", "readinessprobe", "startupprobe"})
#: The probe handlers of a container probe (core/v1 Probe: exactly one of them).
HANDLERS = ("httpGet", "tcpSocket", "exec", "grpc")


def has_body(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(value.get(h), dict) for h in HANDLERS)


def _custom(values: Any, route: Route) -> bool:
    """Whether a ``custom<Probe>`` block beside the probe defines one (Bitnami's override)."""
    node = values
    for step in route[:-1]:
        node = node.get(step) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return False
    name = str(route[-1])
    custom = node.get("custom" + name[:1].upper() + name[1:])
    return isinstance(custom, dict) and bool(custom)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    head_values = change.after.body
    yields = rendered_identities(change, ctx, WORKLOAD_TYPES)
    for base_route, head_route, anchor, removed in switched_off(change, NAMES):
        if _custom(head_values, head_route[:-1] if head_route else base_route[:-1]):
            continue
        block, what = switch_change(base_route, head_route, removed)
        yield Hit(
            message=f"{where(change)}: {block} switched off ({what}){qualifier(change)}",
            attr=block,
            head_route=anchor,
            base_route=base_route,
            before=True,
            after=False,
            yields_to=yields,
        )
    moved = {key[-1] for key, (_, value) in blocks(head_values, NAMES).items() if has_body(value)}
    for key, base, head in paired(change, NAMES):
        if base is None or not has_body(base[1]) or "enabled" in base[1]:
            continue  # a switched block is judged by its switch above
        if head is not None and (has_body(head[1]) or truthy(_get(head[1], "enabled")) is True):
            continue
        if head is None and (key[-1] in moved or not parent_exists(head_values, base[0])):
            continue
        route = head[0] if head is not None else base[0]
        if _custom(head_values, route):
            continue
        yield Hit(
            message=f"{where(change)}: {text(base[0])} no longer sets a probe "
            f"({'removed' if head is None else 'emptied'}){qualifier(change)}",
            attr=text(route),
            head_route=route if head is not None else base[0][:-1],
            base_route=base[0],
            before=text(base[0]),
            after=None,
            yields_to=yields,
        )


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


RULE = Rule(
    code="HLM005",
    name="values-probe-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
