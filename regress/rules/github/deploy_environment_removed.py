"""A job lost the deployment environment whose protection rules gated it.

## What it does
Reports a job whose `environment:` was removed, renamed (`production` → `prod-unprotected`), or
made an expression (`${{ inputs.env }}`, unresolvable offline: low severity). Required
reviewers, wait timers, branch policies and environment secrets live in the repository
settings, keyed by the environment's *name* (GitHub docs "Managing environments for
deployment"), so any of these escapes them. `environment: {name: production, deployment: false}`
keeps the name, and with it the reviewers and wait timer: silent.

## Why is this bad?
The deploy no longer waits for an approval, and branch restrictions on who may deploy no longer
apply.

## Example
```yaml
# base                          # head
deploy:                         deploy:
  environment: production         runs-on: ubuntu-latest
  runs-on: ubuntu-latest
```

## How to resolve
Keep the environment, or create the new one with the same protection rules and approve the
finding with a note saying so.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs
from regress.rules.github import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None or not before.environment or "${{" in before.environment:
        return
    old, new = before.environment, after.environment
    if new == old:
        return
    if new is None:
        what, severity = "was removed", None
    elif "${{" in new:
        what, severity = f"became the expression {new}, which cannot be resolved offline", Severity.LOW
    else:
        what, severity = f"was renamed to {new!r}, which has its own (possibly no) protection rules", None
    yield Hit(
        message=f"environment {old!r} of {after.label} in {after.pipeline} {what}: its reviewers, wait timer "
        "and branch policies no longer gate this job",
        attr="environment",
        head_route=("environment",),
        base_route=("environment",),
        before=old,
        after=new,
        severity=severity,
    )


RULE = Rule(
    code="GHA019",
    name="deploy-environment-removed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
