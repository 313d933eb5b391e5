"""A chart's values switch off persistent storage.

## What it does
Reports a values block named `persistence` (at any depth, e.g. `primary.persistence`,
case-insensitively) whose `enabled` was true and is now false or missing, or that is gone while
its parent stays. By chart convention the template then mounts an `emptyDir` instead of a
PersistentVolumeClaim.

A smaller `size` is not reported: a claim's storage request cannot shrink in place, so it only
affects new installs, and how much is enough is a capacity decision (CATALOGUE.md HV-14: info).

## Why is this bad?
An `emptyDir` lives and dies with the pod: the data is lost on every restart, reschedule or node
drain, which for a database or a queue is an outage with data loss.

## Example
```yaml
# base values.yaml              # head values.yaml
persistence:                    persistence:
  enabled: true                   enabled: false
  size: 8Gi                       size: 8Gi
```

## How to resolve
Keep persistence on, or approve the finding with the reason the data may be lost (a cache, a
test environment). When the chart renders, the Kubernetes rules report the rendered workloads
and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import (
    KINDS,
    STATUSES,
    WATCHES,
    qualifier,
    rendered_identities,
    switch_change,
    switched_off,
    where,
)

NAMES = frozenset({"persistence"})
RENDERED = ("PersistentVolumeClaim", *WORKLOAD_TYPES)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, RENDERED)
    for base_route, head_route, anchor, removed in switched_off(change, NAMES):
        block, what = switch_change(base_route, head_route, removed)
        yield Hit(
            message=f"{where(change)}: {block} switched off ({what}): data is kept only as long as the pod"
            f"{qualifier(change)}",
            attr=block,
            head_route=anchor,
            base_route=base_route,
            before=True,
            after=False,
            yields_to=yields,
        )


RULE = Rule(
    code="HLM014",
    name="values-persistence-disabled",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
