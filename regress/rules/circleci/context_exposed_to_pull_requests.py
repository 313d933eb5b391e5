"""A CircleCI job that runs for pull-request branches gains a context, and with it its secrets.

## What it does
Reports a workflow job invocation whose `context:` gains a context while the job runs on
feature branches — no `filters: branches: only` limiting it to named long-lived branches, not
scheduled-only, not behind a `type: approval` job. It also reports a job that already had the
context and now runs on feature branches because its branch filters or its approval job went,
unless `branch-filters-narrowed` or `deploy-approval-removed` already reports that for a deploy
job. A new job invocation is reported when it runs on feature branches with a context that no
job of the base ran with there (an added object that brings in exposure).

Silent when the context was already there and reachable (for a new job: when another job
already runs with it on feature branches), when the job runs only on named
branches (`only: main`), only on tags or only on a schedule, when a person approves it first,
and when the context is a pipeline parameter without a default.

## Why is this bad?
A context hands its environment variables (cloud keys, registry and deploy tokens) to every
job that names it. CircleCI builds every pushed branch unless branch filters say otherwise, so
the job now runs the code of any pull request branch with those secrets: whoever can push a
branch can print or use them. Builds of pull requests from forks receive secrets only when the
project's "Pass secrets to builds from forked pull requests" setting is on, which this file
cannot see.

## Example
```yaml
# base                      # head
workflows:                  workflows:
  ci:                         ci:
    jobs:                       jobs:
      - test                      - test:
                                      context: [aws-prod]
```

## How to resolve
Keep secrets out of jobs that run for pull requests: move the step that needs them to a job
filtered to protected branches (`filters: {branches: {only: main}}`), put an approval job in
front of it, or restrict the context to a security group; or approve the finding with the
reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.circleci.filters import describe
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import all_jobs
from regress.rules.circleci import KINDS

# What this rule relies on (CircleCI documentation):
# - "Using contexts": the `context` key of a workflow job gives the job the environment
#   variables of the context (a string or a list of names).
# - "Configuration reference", workflows `filters`: a job without branch filters runs for every
#   branch; `branches: only` restricts it to the listed names or regexes
#   (kinds/circleci/filters.py turns this into `Job.extra["branches"]`).
# - "Pull request build settings": builds of pull requests from forks get project secrets only
#   with "Pass secrets to builds from forked pull requests"; branches pushed to the repository
#   itself always run with what the configuration names.

#: Branch reach (kinds/circleci/filters.py) at which feature branches, hence pull requests, run.
_PR_REACH = frozenset({"all", "some"})


def contexts(value: Any) -> tuple[str, ...] | None:
    """The context names of an invocation; None when one is not a literal name."""
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    out = tuple(str(n).strip() for n in names if isinstance(n, (str, int, float)) and str(n).strip())
    return None if any("<<" in n or "$" in n for n in out) else out


def reachable(job: Job) -> tuple[str, ...] | None:
    """The contexts pull-request branches run with in this job (empty if none)."""
    if job.manual or job.extra.get("branches", "all") not in _PR_REACH:
        return ()
    return contexts(job.extra.get("context"))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None and change.after is not None and isinstance(change.after.facts, Job):
        yield from _added(change.after.facts, ctx)
        return
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    was, now = reachable(before), reachable(after)
    if was is None or now is None:
        return  # a context named by a parameter: unknown, not reported
    added = [c for c in now if c not in was]
    if not added:
        return
    had = contexts(before.extra.get("context")) or ()
    if all(c in had for c in added) and DEPLOY in before.classes:
        return  # a deploy job opened to feature branches or unapproved: CC003 / CI051 report it
    reach = "every branch" if after.extra.get("branches") == "all" else "feature branches matching its filters"
    why = (
        f"now runs on {reach} (before: {_why(before)})"
        if all(c in had for c in added)
        else f"gains context {', '.join(added)} while it runs on {reach}"
    )
    yield Hit(
        message=f"{after.label} in {after.pipeline} {why}: pull-request branches run with the secrets "
        f"of {', '.join(added)}",
        attr="context",
        head_route=("invocation", "context"),
        base_route=("invocation", "context") if before.extra.get("context") else ("invocation",),
        before=list(was),
        after=list(now),
    )


def _added(job: Job, ctx: RuleContext) -> Iterator[Hit]:
    """A new job invocation that hands pull-request branches a context no job of the base did
    (CATALOGUE.md §0.2.5: an added object that brings in exposure is a finding). A context some
    base job already runs with on feature branches is no new exposure."""
    now = reachable(job)
    if not now:
        return
    exposed = {c for j in all_jobs(ctx.base) if j.platform == job.platform for c in reachable(j) or ()}
    added = [c for c in now if c not in exposed]
    if not added:
        return
    reach = "every branch" if job.extra.get("branches") == "all" else "feature branches matching its filters"
    yield Hit(
        message=f"new {job.label} in {job.pipeline} runs on {reach} with context {', '.join(added)}: "
        f"pull-request branches run with the secrets of {', '.join(added)}",
        attr="context",
        head_route=("invocation", "context"),
        before=[],
        after=list(now),
    )


def _why(job: Job) -> str:
    if job.manual:
        return f"behind {job.extra.get('approval') or 'an approval job'}"
    return describe(job.extra.get("filters"))


RULE = Rule(
    code="CC007",
    name="context-exposed-to-pull-requests",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
