"""Prometheus alerts were removed, or now wait longer before firing.

## What it does
Reads the alerting rules of PrometheusRule objects (`spec.groups[].rules[]` with `alert:`) and
reports:

- alerts that exist in the base and in no PrometheusRule of the head (an alert moved to another
  group, another PrometheusRule or another file is no change); a removed PrometheusRule's alerts
  count the same way;
- an alert whose `for:` grew (low severity): it fires later, or not at all for shorter incidents.

A PrometheusRule removed together with every workload beside it (the whole application went) is
silent. Recording rules are not alerts and are not reported.

## Why is this bad?
An alert that is gone never pages: the failure it watched for is now found by users.

## Example
```yaml
# base                                  # head
rules:                                  rules:
  - alert: ApiDown                        - alert: ApiHighLatency
    expr: up{job="api"} == 0                expr: histogram_quantile(...) > 1
    for: 5m                                 for: 10m
  - alert: ApiHighLatency
    expr: histogram_quantile(...) > 1
    for: 10m
```

## How to resolve
Keep the alert, or approve the finding saying what pages for that failure now.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change, ModelObject, Route, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners

#: Prometheus duration units (prometheus/common model.ParseDuration).
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


def duration(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value.strip():
        return None
    return sum(int(n) * _UNITS[u] for n, u in parts)


def alerts(body: Any) -> dict[str, list[tuple[Route, Any]]]:
    """Alert name → (route, `for`) of each alerting rule with that name."""
    out: dict[str, list[tuple[Route, Any]]] = {}
    groups = get_path(body, ("spec", "groups"))
    for gi, group in enumerate(groups if isinstance(groups, list) else []):
        rules = group.get("rules") if isinstance(group, dict) else None
        for ri, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict) and isinstance(rule.get("alert"), str):
                out.setdefault(rule["alert"], []).append((("spec", "groups", gi, "rules", ri), rule.get("for")))
    return out


def _head_alerts(ctx: RuleContext, obj: ModelObject) -> set[str]:
    names: set[str] = set()
    for o in partners(ctx, "head", obj):
        if o.type == "PrometheusRule":
            names.update(alerts(o.body))
    return names


def _application_removed(ctx: RuleContext, obj: ModelObject) -> bool:
    workloads = [o for o in partners(ctx, "base", obj) if o.type in WORKLOAD_TYPES]
    if not workloads:
        return False
    head_keys = {o.key for o in partners(ctx, "head", obj)}
    return not any(w.key in head_keys for w in workloads)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None:
        return
    was = alerts(base.body)
    if not was:
        return
    if head is None and _application_removed(ctx, base):
        return
    now = alerts(head.body) if head is not None else {}
    elsewhere = _head_alerts(ctx, head if head is not None else base)
    for name in sorted(was):
        if len(now.get(name, ())) >= len(was[name]) or name in elsewhere:
            continue
        yield Hit(
            message=f"alert {name} was removed from {base.label}"
            + (" (the PrometheusRule was deleted)" if head is None else ""),
            attr=f"alerts[{name}]",
            head_route=("spec", "groups"),
            base_route=was[name][0][0],
        )
    if head is None:
        return
    for name, entries in sorted(now.items()):
        if name not in was:
            continue
        raw_before, raw_after = was[name][0][1], entries[0][1]
        before = duration(raw_before) if raw_before is not None else 0.0
        after = duration(raw_after) if raw_after is not None else 0.0
        if before is None or after is None:
            continue  # a templated or malformed duration: unknown
        if after > before:
            yield Hit(
                message=f"alert {name} in {head.label} waits longer before firing "
                f"(for: {raw_before or 0} → {raw_after})",
                attr=f"alerts[{name}].for",
                head_route=(*entries[0][0], "for"),
                base_route=(*was[name][0][0], "for"),
                before=was[name][0][1],
                after=entries[0][1],
                severity=Severity.LOW,
            )


RULE = Rule(
    code="K8S037",
    name="alert-rules-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "PrometheusRule"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
