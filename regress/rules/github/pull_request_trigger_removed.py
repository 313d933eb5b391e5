"""A workflow that runs tests or scans no longer runs on pull requests.

## What it does
Reports a workflow with test or scan jobs whose `on:` lost `pull_request` (with no
`pull_request_target` either) or lost `merge_group`. When what is left is only `schedule`,
`workflow_dispatch` or `repository_dispatch`, the message says the tests now run only on a
schedule or by hand (the GitHub twin of GitLab's `only: [schedules]`). A workflow turned into a
reusable one (`workflow_call`) that a pull request workflow of the head calls is not reported.

## Why is this bad?
"PR-green is not main-green": the tests stop gating merges and only tell after the fact that the
default branch is broken. Without `merge_group`, a merge queue no longer tests the merged result.

## Example
```yaml
# base                          # head
on: [push, pull_request]        on: push
```

## How to resolve
Keep the trigger, or approve the finding with the reason (and where the tests now run).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Pipeline
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import pipeline_jobs, pipelines
from regress.rules.github import KINDS

_MANUAL = frozenset({"schedule", "workflow_dispatch", "repository_dispatch"})
_PR = ("pull_request", "pull_request_target")


def _called_on_pull_requests(ctx: RuleContext, after: Pipeline, obj: ModelObject) -> bool:
    known = {o.key: o for o in [*ctx.head.of_type(FAMILY, "pipeline"), *ctx.around("head", obj)]}
    for job in pipeline_jobs(ctx.head, after):
        for caller, _route in job.extra.get("callers") or ():
            facts = known.get(("github", caller.origin.path))
            triggers = facts.facts.triggers if facts is not None and isinstance(facts.facts, Pipeline) else {}
            if any(e in triggers for e in _PR):
                return True
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = pipelines(change)
    if before is None or after is None:
        return
    classes: set[str] = set()
    for job in pipeline_jobs(ctx.base, before) + pipeline_jobs(ctx.head, after):
        classes |= job.classes
    if not classes & {TEST, SECURITY}:
        return
    lost = []
    pr_lost = "pull_request" in before.triggers and not any(e in after.triggers for e in _PR)
    if pr_lost and not ("workflow_call" in after.triggers and _called_on_pull_requests(ctx, after, change.obj)):
        lost.append("pull_request")
    if "merge_group" in before.triggers and "merge_group" not in after.triggers:
        lost.append("merge_group")
    if not lost:
        return
    left = set(after.triggers)
    what = "tests" if TEST in classes else "security scans"
    only = (
        f"; its {what} now run only on {', '.join(sorted(left))}"
        if left and left <= _MANUAL
        else f"; it still runs on {', '.join(sorted(left))}"
        if left
        else ""
    )
    yield Hit(
        message=f"workflow {after.id} no longer runs on {' and '.join(lost)}{only}",
        attr="on." + ",".join(lost),
        head_route=("on",),
        base_route=("on", lost[0]),
        before=sorted(before.triggers),
        after=sorted(after.triggers),
        category=None if TEST in classes else Category.SECURITY,
    )


RULE = Rule(
    code="GHA010",
    name="pull-request-trigger-removed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
