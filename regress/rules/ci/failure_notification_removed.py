"""A notification sent when the pipeline fails was removed.

## What it does
Reports a notification step (Slack, e-mail, PagerDuty, … — CATALOGUE.md Signals S5, extendable
with `classify: notify:`) that ran on failure (`if: failure()` or `always()`) and is gone from a
job that stays, and a whole job that only notified on failure removed. A notification moved
verbatim elsewhere is not removed.

## Why is this bad?
A failing nightly build, deploy or scheduled scan now fails silently; nobody hears of it until it
matters.

## Example
```yaml
# base                                             # head
- if: failure()                                    (step removed)
  uses: slackapi/slack-github-action@v2
```

## How to resolve
Keep the notification, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import NOTIFY
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.signals import DEPLOY_MARKER_ACTIONS
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs, lost_steps, pipeline_obj, runs_elsewhere


def _on_failure(condition: str | None) -> bool:
    text = (condition or "").replace(" ", "").lower()
    return "failure()" in text or "always()" in text or "!success()" in text


def notifies_failure(step: Step, job: Job | None = None) -> bool:
    if NOTIFY not in step.classes or (step.uses or "").lower() in DEPLOY_MARKER_ACTIONS:
        return False
    return _on_failure(step.condition) or (job is not None and _on_failure(job.condition))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None:
        return
    if after is None:
        steps = [s for s in before.steps if notifies_failure(s, before)]
        if steps and all(NOTIFY in s.classes or s.uses == "actions/checkout" for s in before.steps if s.via is None):
            if any(runs_elsewhere(s, ctx) for s in steps):
                return
            pipeline = pipeline_obj(ctx.head, before)
            yield Hit(
                message=f"failure notification {before.label} was removed from {before.pipeline}",
                attr="notify",
                head_obj=pipeline,
                head_route=("jobs",) if pipeline is not None else None,
                base_route=(),
                before=before.id,
            )
        return
    for step in lost_steps(before, after, ctx, lambda s: notifies_failure(s, before)):
        yield Hit(
            message=f"failure notification {step.label} was removed from {after.label} in {after.pipeline}",
            attr=f"notify[{step.key}]",
            head_route=step.route[:-1],
            base_route=step.route,
            before=step.uses or step.run,
            related=callers_related(after),
        )


RULE = Rule(
    code="CI042",
    name="failure-notification-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed", "moved"}),
)
