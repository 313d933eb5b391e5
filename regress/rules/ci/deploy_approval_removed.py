"""A deploy job no longer waits for a person to approve or start it.

## What it does
Reports a deploy job (it has an environment, is named like one, or runs a deploy command) that
was gated by a person and now starts by itself: GitLab `when: manual` removed, Bitbucket
`trigger: manual` removed, a CircleCI `type: approval` job no longer in its `requires`, an Azure
`ManualValidation` task removed.

## Why is this bad?
The manual gate is where a person decides that this build goes to production. Without it every
merge deploys, whatever it contains.

## Example
```yaml
# base                               # head
deploy:                              deploy:
  script: [./deploy.sh production]     script: [./deploy.sh production]
  environment: production              environment: production
  when: manual
```

## How to resolve
Keep the manual gate (or an environment with required approvals), or approve the finding with
the reason continuous deployment is intended.

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

KINDS = ("gitlab-ci", "bitbucket-pipelines", "circleci", "azure-pipelines")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    if DEPLOY not in before.classes or not before.manual or after.manual:
        return
    gate = before.extra.get("approval") or "when: manual"
    yield Hit(
        message=f"deploy {after.label} in {after.pipeline} no longer waits for a person: {gate} no longer gates it",
        attr="job.approval",
        head_route=(),
        base_route=tuple(before.extra.get("approval_route") or ()),
        before=str(gate),
        after=None,
    )


RULE = Rule(
    code="CI051",
    name="deploy-approval-removed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
