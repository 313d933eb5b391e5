"""A chart's values switch off its NetworkPolicy or open it to external traffic.

## What it does
Reports a values block named `networkPolicy` or `networkPolicies` (at any depth,
case-insensitively) whose `enabled`/`create` was true and is now false or missing, whose whole
block was removed, or whose `allowExternal` went from false to true (the Bitnami convention: pods
accept connections from any client, not only labelled ones).

## Why is this bad?
The NetworkPolicy is what limits who can reach the pods. Switching it off makes the workload
reachable from every pod in the cluster, which is how a compromise spreads.

## Example
```yaml
# base values.yaml              # head values.yaml
networkPolicy:                  networkPolicy:
  enabled: true                   enabled: false
```

## How to resolve
Keep the policy, or approve the finding with the reason the workload must accept traffic from
everywhere. When the chart renders, the rendered NetworkPolicy change is reported by the
Kubernetes rules and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import (
    KINDS,
    STATUSES,
    WATCHES,
    paired,
    qualifier,
    rendered_identities,
    switch_change,
    switched_off,
    text,
    truthy,
    where,
)

NAMES = frozenset({"networkpolicy", "networkpolicies"})
RENDERED = ("NetworkPolicy",)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, RENDERED)
    for base_route, head_route, anchor, removed in switched_off(change, NAMES):
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
    for _, base, head in paired(change, NAMES):
        if base is None or head is None or not isinstance(base[1], dict) or not isinstance(head[1], dict):
            continue
        if truthy(base[1].get("allowExternal")) is False and truthy(head[1].get("allowExternal")) is True:
            route = (*head[0], "allowExternal")
            yield Hit(
                message=f"{where(change)}: {text(route)} false → true: pods accept connections from any "
                f"client{qualifier(change)}",
                attr=text(route),
                head_route=route,
                base_route=(*base[0], "allowExternal"),
                before=False,
                after=True,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM008",
    name="values-network-policy-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
