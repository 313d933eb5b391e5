"""A test or scan job no longer runs on pull requests (or pushes) it ran on before.

## What it does
Computes the events each job can run on — the workflow's triggers intersected with what the
job's condition allows, evaluated per event with a three-valued evaluator (GitHub: `on:` ∩ job
`if:`; other platforms map their rules into the same event sets) — and reports a test or scan job
that lost `pull_request`, `pull_request_target`, `merge_group` or `push`, e.g. a new
`if: github.event_name == 'push'`. Re-spelling a condition (`${{ x }}` vs `x`) changes nothing;
a condition that is always false is `test-disabled-by-condition`'s finding; a trigger removed
from the workflow is `pull-request-trigger-removed`'s. A job that stops running on pushes but still
runs on pull requests or the merge queue is not reported: every change is still tested through
its pull request (as with a push branch filter, `trigger-filters-narrowed`); nor is one moved
between `pull_request` and `pull_request_target`, which run for the same pull requests; nor one
whose test steps run on the events it lost in other jobs (a push-only debugging copy kept the
job's id while its tests moved on, as `test-job-removed` reads a moved job). Whether a job tests
or scans is read from its base version, which ran on the events now lost: a build-only job that
gains a test step as it moves to a push-only workflow took no tests away from pull requests.

A job of a local reusable workflow (`on: workflow_call`) runs on the events of the workflows of
the repository that call it: each calling job's workflow triggers that the calling job's `if:`
allows (transitively through nested calls), then its own `if:`. A test job moved into such a
workflow and called on the same events is no change; one that no workflow of the repository calls
any more runs on `workflow_call` only, which gates nothing here, and is reported.

A job that leaves pull requests for the merge queue (`merge_group`) still gates merging where the
branch requires a merge queue (GitHub docs "Managing a merge queue": a merge group must pass the
branch's required checks), a repository setting regress cannot read: that is reported at low
severity, for what it does lose — the result on the pull request before it is queued.

## Why is this bad?
A job skipped by its condition reports *skipped*, which branch protection treats as passing: the
pull request merges without the tests having run on it.

## Example
```yaml
# base                      # head
test:                       test:
  runs-on: ubuntu-latest      if: github.event_name == 'push'
                              runs-on: ubuntu-latest
```

## How to resolve
Keep the job running on pull requests, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import base_jobs, callers_related, covers, head_jobs, jobs, own_steps, patterns_of
from regress.rules.ci.suites import moved, test_steps
from regress.rules.ci.test_disabled_by_condition import never_runs

#: Events that gate a change: a pull request's checks, the merge queue, the default branch.
GATING = ("pull_request", "pull_request_target", "merge_group", "merge_request", "push")
_REVIEWED = frozenset({"pull_request", "pull_request_target", "merge_group", "merge_request"})
#: Events whose checks show on the pull (merge) request itself, before it merges.
_PULL_REQUEST = frozenset({"pull_request", "pull_request_target", "merge_request"})
_SAME_PULL_REQUESTS = frozenset({"pull_request", "pull_request_target"})


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None or before.events is None or after.events is None:
        return
    # What the job checked on the events it lost is what its base version ran: a build-only job
    # that gained a test step while it moved to a push-only workflow (or a lint job whose id a new
    # push-only test job took over) took no tests away from the pull requests it ran on.
    classes = before.classes
    if not classes & {TEST, SECURITY} or never_runs(after, after.condition):
        return
    lost = [e for e in GATING if e in before.events and e not in after.events]
    if after.events & _SAME_PULL_REQUESTS:
        # `pull_request` and `pull_request_target` run for the same pull requests (GitHub docs
        # "Events that trigger workflows"), one in the head's context, one in the base's.
        lost = [e for e in lost if e not in _SAME_PULL_REQUESTS]
    if not lost:
        return
    if TEST in before.classes and change.before is not None and _still_tested(change.before, before, ctx):
        return  # its tests run on the events it lost in other jobs (a copy kept the job's id)
    if lost == ["push"] and after.events & _REVIEWED:
        # Pushes only: every change is still tested through its pull request or the merge queue,
        # as a push branch filter in such a workflow is not reported either (GHA011). It is also
        # what a workflow whose push trigger is removed gives, whether or not its jobs changed.
        return
    left = ", ".join(sorted(after.events)) or "no event at all"
    queued = bool(set(lost) & _PULL_REQUEST) and "merge_group" in after.events
    severity = Severity.HIGH if set(lost) & _PULL_REQUEST else None
    note = ""
    if queued:
        # GitHub docs "Managing a merge queue": a merge group must pass the checks the branch
        # requires before it merges, and a workflow runs for it on `merge_group`. The tests still
        # gate merging where the branch uses a merge queue (a repository setting regress cannot
        # read); what is lost is their result on the pull request before it is queued.
        severity = Severity.LOW
        note = (
            "; it still runs in the merge queue (merge_group), which gates merging where the branch requires "
            "a merge queue, but the pull request no longer shows its result before it is queued"
        )
    yield Hit(
        message=f"{'test' if TEST in classes else 'scan'} {after.label} in {after.pipeline} no longer runs on "
        f"{', '.join(lost)} (now: {left}); {_why(after)}{note}",
        attr="job.events",
        head_route=("if",),
        base_route=("if",) if before.condition is not None else (),
        before=sorted(before.events),
        after=sorted(after.events),
        severity=severity,
        category=None if TEST in classes else Category.SECURITY,
        related=callers_related(after),
    )


def _still_tested(obj: ModelObject, job: Job, ctx: RuleContext) -> bool:
    """Whether the base job's test steps run in head jobs that gate every event it ran on: the
    job was paired with a copy that kept its id (a debugging workflow), while its tests moved on
    (CI002's reading of a moved test job)."""
    patterns = patterns_of(ctx)
    steps = test_steps(own_steps(job), patterns)
    if not steps:
        return False
    heads = [j for j in head_jobs(ctx, obj) if covers(j, job)]
    return bool(moved(steps, job, heads, base_jobs(ctx, obj), patterns).jobs)


def _why(job: Job) -> str:
    """What decides the events the job now runs on: its condition, the workflows that call its
    reusable workflow, or its workflow's triggers."""
    condition = f"its condition is `{job.condition}`" if job.condition is not None else None
    also = f", and {condition}" if condition else ""
    if job.extra.get("callers"):
        return "it runs when a workflow of this repository calls its reusable workflow" + also
    if job.events is not None and "workflow_call" in job.events:
        return "no workflow of this repository calls its reusable workflow" + also
    return condition or "its workflow is not triggered by them"


RULE = Rule(
    code="CI009",
    name="test-job-events-narrowed",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
