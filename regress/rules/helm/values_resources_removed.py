"""A chart's values drop a component's resource requests and limits.

## What it does
Reports a `resources` values block (at any depth, e.g. `server.resources`) that had `limits` or
`requests` and now has neither (`resources: {}`, often with the old block left as a comment, or
the block removed while its component stays), or that lost its memory limit.

## Why is this bad?
Without requests the scheduler packs the pod anywhere and it is first to be evicted; without a
memory limit one leak takes the node's memory from every neighbour. Quotas that require limits
start rejecting the pods.

## Example
```yaml
# base values.yaml              # head values.yaml
resources:                      resources: {}
  limits:                       #  limits:
    memory: 256Mi               #    memory: 256Mi
```

## How to resolve
Keep the requests and limits (raising them is fine), or approve the finding with the sizing
reasoning. When the chart renders, the Kubernetes rules report the rendered containers and this
finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import (
    KINDS,
    STATUSES,
    WATCHES,
    paired,
    parent_exists,
    qualifier,
    rendered_identities,
    text,
    where,
)

NAMES = frozenset({"resources"})


def _parts(block: Any) -> dict[str, Any]:
    if not isinstance(block, dict):
        return {}
    return {k: v for k, v in block.items() if k in ("limits", "requests") and isinstance(v, dict) and v}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, WORKLOAD_TYPES)
    for _, base, head in paired(change, NAMES):
        if base is None or not isinstance(base[1], dict):
            continue
        was = _parts(base[1])
        if not was:
            continue
        if head is None:
            if not parent_exists(change.after.body, base[0]):
                continue  # the whole component is gone: not a resources change
            now: dict[str, Any] = {}
            route = base[0][:-1]
        else:
            if not isinstance(head[1], (dict, type(None))):
                continue
            now = _parts(head[1])
            route = head[0]
        if not now:
            yield Hit(
                message=f"{where(change)}: {text(base[0])} emptied "
                f"(had {' and '.join(sorted(was))}){qualifier(change)}",
                attr=text(base[0]),
                head_route=route,
                base_route=base[0],
                before=base[1],
                after=head[1] if head else None,
                yields_to=yields,
            )
            continue
        had_memory = isinstance(was.get("limits"), dict) and "memory" in was["limits"]
        has_memory = isinstance(now.get("limits"), dict) and "memory" in now["limits"]
        if had_memory and not has_memory:
            yield Hit(
                message=f"{where(change)}: {text(base[0])}.limits.memory removed "
                f"(was {was['limits']['memory']}){qualifier(change)}",
                attr=f"{text(base[0])}.limits.memory",
                head_route=route,
                base_route=(*base[0], "limits", "memory"),
                before=was["limits"]["memory"],
                after=None,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM004",
    name="values-resources-removed",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
