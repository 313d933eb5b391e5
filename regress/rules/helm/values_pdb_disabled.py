"""A chart's values switch off its PodDisruptionBudget or loosen it.

## What it does
Reports a values block named `podDisruptionBudget` or `pdb` (at any depth, case-insensitively)
whose `enabled`/`create` was true and is now false or missing, whose whole block was removed, or
whose `minAvailable` went down or `maxUnavailable` went up (plain numbers only; percentages depend
on the replica count and are left to the rendered PodDisruptionBudget).

## Why is this bad?
A PodDisruptionBudget is what keeps a node drain or a cluster upgrade from evicting every replica
at once. Without it, voluntary disruptions can take the whole service down.

## Example
```yaml
# base values.yaml              # head values.yaml
podDisruptionBudget:            podDisruptionBudget:
  enabled: true                   enabled: false
  minAvailable: 1                 minAvailable: 1
```

## How to resolve
Keep the budget, or approve the finding with the reason the workload tolerates full eviction.
When the chart renders, the rendered PodDisruptionBudget change is reported by the Kubernetes
rules and this finding steps back.

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
    where,
)

NAMES = frozenset({"poddisruptionbudget", "pdb"})
RENDERED = ("PodDisruptionBudget",)


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
        for field, lower_is_weaker in (("minAvailable", True), ("maxUnavailable", False)):
            was, now = _number(base[1].get(field)), _number(head[1].get(field))
            if was is None or now is None or was == now or (now < was) != lower_is_weaker:
                continue
            route = (*head[0], field)
            yield Hit(
                message=f"{where(change)}: {text(route)} {was} → {now}{qualifier(change)}",
                attr=text(route),
                head_route=route,
                base_route=(*base[0], field),
                before=was,
                after=now,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM003",
    name="values-pdb-disabled",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
