"""A deploy can now be cancelled midway by a newer run.

## What it does
Reports `concurrency: {cancel-in-progress: true}` (or an expression that may be true) added at
workflow level to a workflow with deploy jobs, or at job level to a deploy job. With it, a newer
push cancels the running deploy wherever it is (GitHub docs "Control the concurrency of
workflows and jobs").

## Why is this bad?
A deploy cancelled halfway leaves migrations half-applied, a rollout half-done or a release
half-published. For deploys, queueing (`cancel-in-progress: false`) is the safe setting.

## Example
```yaml
# base                          # head
concurrency: deploy-prod        concurrency:
                                  group: deploy-prod
                                  cancel-in-progress: true
```

## How to resolve
Set `cancel-in-progress: false` for deploy workflows (keep it for test workflows), or approve the
finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY
from regress.kinds.ci.model import FAMILY
from regress.kinds.github import expr
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs, jobs_of, pipelines
from regress.rules.github import KINDS


def cancels(concurrency: Any) -> bool:
    if not isinstance(concurrency, dict):
        return False
    return expr.value_truth(concurrency.get("cancel-in-progress"), expr.event_contexts(None)) is not False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.type == "pipeline":
        before, after = pipelines(change)
        if before is None or after is None:
            return
        deploys = [j.id for j in jobs_of(ctx.head, after.platform, after.id).values() if DEPLOY in j.classes]
        if deploys and cancels(after.extra.get("concurrency")) and not cancels(before.extra.get("concurrency")):
            yield Hit(
                message=f"workflow {after.id} now cancels a running deploy ({', '.join(sorted(deploys))}) when a "
                "newer run starts (concurrency cancel-in-progress)",
                attr="concurrency.cancel-in-progress",
                head_route=("concurrency",),
                base_route=("concurrency",),
                after=True,
            )
        return
    jb, ja = jobs(change)
    if jb is None or ja is None or DEPLOY not in ja.classes:
        return
    if cancels(ja.extra.get("concurrency")) and not cancels(jb.extra.get("concurrency")):
        yield Hit(
            message=f"deploy {ja.label} in {ja.pipeline} can now be cancelled midway by a newer run "
            "(concurrency cancel-in-progress)",
            attr="concurrency.cancel-in-progress",
            head_route=("concurrency",),
            base_route=("concurrency",),
            after=True,
        )


RULE = Rule(
    code="GHA046",
    name="deploy-cancel-in-progress",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"), (FAMILY, "job")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
