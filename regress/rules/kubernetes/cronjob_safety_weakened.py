"""A CronJob's runs got less safe, or it was suspended.

## What it does
- `concurrencyPolicy` moves down Forbid → Replace → Allow (absent means Allow): medium, runs may
  now overlap (or, for Replace, be cut short).
- `startingDeadlineSeconds` removed: low, missed runs are then started whenever the controller
  catches up, and a CronJob that missed more than 100 schedules stops being scheduled at all.
- `suspend` false/absent → `true`: medium, the job no longer runs (a backup or cleanup job
  suspended in a manifest is easy to miss in review).

## Why is this bad?
Overlapping runs of a job that is not built for it corrupt what it writes (two backups, two
migrations); a suspended job silently stops doing its work.

## Example
```yaml
# base                          # head
spec:                           spec:
  schedule: "0 3 * * *"           schedule: "0 3 * * *"
  concurrencyPolicy: Forbid
```

## How to resolve
Keep `concurrencyPolicy: Forbid` and the deadline, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Change, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: Kubernetes API reference, CronJobSpec: concurrencyPolicy defaults to Allow.
CONCURRENCY = {"Allow": 0, "Replace": 1, "Forbid": 2}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    base, head = change.before, change.after
    if base is None or head is None:
        return
    route = ("spec", "concurrencyPolicy")
    was = get_path(base.body, route) or "Allow"
    now = get_path(head.body, route) or "Allow"
    if was in CONCURRENCY and now in CONCURRENCY and CONCURRENCY[now] < CONCURRENCY[was]:
        yield Hit(
            message=f"{head.label}: concurrencyPolicy {was} → {now}"
            + (" (absent)" if get_path(head.body, route) is None else "")
            + ": runs may now overlap",
            attr="spec.concurrencyPolicy",
            head_route=route,
            base_route=route,
            before=was,
            after=now,
            severity=Severity.MEDIUM,
        )
    deadline = ("spec", "startingDeadlineSeconds")
    if get_path(base.body, deadline) is not None and get_path(head.body, deadline) is None:
        yield Hit(
            message=f"{head.label}: startingDeadlineSeconds {get_path(base.body, deadline)} removed",
            attr="spec.startingDeadlineSeconds",
            head_route=deadline,
            base_route=deadline,
            before=get_path(base.body, deadline),
            severity=Severity.LOW,
        )
    suspend = ("spec", "suspend")
    if get_path(base.body, suspend) is not True and get_path(head.body, suspend) is True:
        yield Hit(
            message=f"{head.label} is suspended: it no longer runs on its schedule",
            attr="spec.suspend",
            head_route=suspend,
            base_route=suspend,
            before=get_path(base.body, suspend),
            after=True,
            severity=Severity.MEDIUM,
        )


RULE = Rule(
    code="K8S034",
    name="cronjob-safety-weakened",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "CronJob"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
