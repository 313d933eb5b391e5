"""A GitLab deploy job can now be cancelled halfway by a newer pipeline.

## What it does
Reports a deploy job that becomes `interruptible: true` (set on the job or inherited from
`default:`).

## Why is this bad?
With auto-cancel of redundant pipelines a newer push cancels an interruptible job that is
already running, which can leave a deployment half done.

## Example
```yaml
# base                            # head
deploy:                           deploy:
  script: [./deploy.sh]             script: [./deploy.sh]
  environment: production           environment: production
                                    interruptible: true
```

## How to resolve
Keep deploy jobs non-interruptible, or approve the finding with the reason.

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
    if DEPLOY not in job.classes or change.before.body.get("interruptible") is True:
        return
    if change.after.body.get("interruptible") is not True:
        return
    yield Hit(
        message=f"deploy {job.label} in {job.pipeline} is now interruptible: a newer pipeline can cancel it mid-way",
        attr="interruptible",
        head_route=("interruptible",),
        base_route=(),
        before=change.before.body.get("interruptible"),
        after=True,
    )


RULE = Rule(
    code="GL020",
    name="deploy-made-interruptible",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
