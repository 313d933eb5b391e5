"""A GitLab deploy job no longer holds its `resource_group`.

## What it does
Reports a deploy job that loses `resource_group:`, which makes GitLab run at most one job of the
group at a time.

## Why is this bad?
Two pipelines can then deploy to the same environment at once, and an older pipeline can finish
after a newer one and roll production back.

## Example
```yaml
# base                            # head
deploy:                           deploy:
  script: [./deploy.sh]             script: [./deploy.sh]
  environment: production           environment: production
  resource_group: production
```

## How to resolve
Keep the resource group, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    job = change.after.facts
    if not isinstance(job, Job) or not isinstance(change.before.facts, Job):
        return
    if DEPLOY not in change.before.facts.classes:
        return
    was = change.before.body.get("resource_group")
    if was is None or change.after.body.get("resource_group") is not None:
        return
    yield Hit(
        message=f"deploy {job.label} in {job.pipeline} no longer holds resource_group {was!s}: "
        "deployments may now run concurrently",
        attr="resource_group",
        head_route=(),
        base_route=("resource_group",),
        before=str(was),
        after=None,
    )


RULE = Rule(
    code="GL019",
    name="deploy-resource-group-removed",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
