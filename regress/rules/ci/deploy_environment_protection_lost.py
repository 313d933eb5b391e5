"""A deploy job lost its deployment environment, or deploys to another one.

## What it does
Reports a deploy job whose environment (GitLab `environment:`, Bitbucket `deployment:`, an Azure
deployment job's `environment:`) was removed, renamed, or became an expression that cannot be
resolved offline. Environments that are themselves computed (`review/$CI_COMMIT_REF_SLUG`) are
not compared.

## Why is this bad?
Protection lives on the environment *name*, in the platform's settings: GitLab protected
environments and deployment approvals, Bitbucket deployment permissions, Azure approvals and
checks. A job that deploys without an environment, or under a new name, escapes all of them.

## Example
```yaml
# base                          # head
deploy:                         deploy:
  script: [./deploy.sh]           script: [./deploy.sh]
  environment: production         environment: prod2
```

## How to resolve
Keep the protected environment name (rename it in the settings first), or approve the finding
with the reason.

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

KINDS = ("gitlab-ci", "bitbucket-pipelines", "azure-pipelines")
_KEYS = ("environment", "deployment")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    old, new = before.environment, after.environment
    if not old or "$" in old or old == new or DEPLOY not in before.classes:
        return
    if new is None:
        what, severity = "removed", Severity.HIGH
    elif "$" in new or "${{" in new:
        what, severity = f"became an expression that cannot be resolved offline ({new})", Severity.MEDIUM
    else:
        what, severity = f"renamed to {new!r}", Severity.HIGH
    key = next((k for k in _KEYS if k in change.after.body), None)
    base_key = next((k for k in _KEYS if k in change.before.body), None)
    yield Hit(
        message=f"deploy {after.label} in {after.pipeline}: environment {old!r} {what}; its protection "
        "rules and approvals are keyed by name and no longer apply",
        attr="job.environment",
        head_route=(key,) if key else (),
        base_route=(base_key,) if base_key else (),
        before=old,
        after=new,
        severity=severity,
    )


RULE = Rule(
    code="CI052",
    name="deploy-environment-protection-lost",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
