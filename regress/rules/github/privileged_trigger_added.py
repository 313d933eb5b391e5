"""A workflow gained a privileged trigger (pull_request_target, workflow_run, issue_comment).

## What it does
Reports a workflow that runs on `pull_request_target`, `workflow_run` or `issue_comment` in the
head and did not in the base — a trigger switched (`pull_request` → `pull_request_target`) or a
new workflow added with one. When the workflow's jobs run tests, the message says so: without an
explicit checkout of the pull request's head they now test the *base* branch's code.

A workflow whose jobs only run published actions, with no checkout, no script and no local or
reusable workflow (an issue labeller, a project board, a stale-issue handler: the use GitHub
documents for these triggers) is reported at low severity.

## Why is this bad?
Jobs started by these events run in the context of the base repository, with its secrets and a
token that can write, while reacting to input from anyone who can open a pull request or comment.
The change is often committed as "fix permissions" for forks.

## Example
```yaml
# base                         # head
on:                            on:
  pull_request:                  pull_request_target:
                                   types: [labeled]
```

## How to resolve
Prefer `pull_request`; if secrets are really needed, split the privileged part into a
`workflow_run` workflow that never checks out or runs pull request code, or approve the finding
with the reason and the gate that protects it (a label applied by maintainers, an environment).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.ci.signals import PRIVILEGED_TRIGGERS
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import pipeline_jobs, pipelines
from regress.rules.github import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = pipelines(change)
    if after is None:
        return
    had = set(before.triggers) if before is not None else set()
    for event in PRIVILEGED_TRIGGERS:
        if event not in after.triggers or event in had:
            continue
        jobs = pipeline_jobs(ctx.head, after)
        tests = any(TEST in j.classes for j in jobs)
        quiet = bool(jobs) and not any(_runs_own_code(j) for j in jobs)
        was = f" (was {', '.join(sorted(had))})" if had else ""
        also = (
            "; its test jobs now run with secrets and, unless they check out the pull request's head, test "
            "the base branch's code"
            if tests
            else ""
        )
        if quiet:
            also += "; its jobs only run actions, with no checkout and no script"
        yield Hit(
            message=f"workflow {after.id} now runs on {event}{was}: its jobs get the repository's "
            f"secrets and a write token while handling outside input{also}",
            attr=f"on.{event}",
            head_route=("on", event),
            base_route=("on",) if before is not None else None,
            before=sorted(had) or None,
            after=event,
            severity=Severity.LOW if quiet else None,
        )


#: Actions that check out code or run a script given to them as input.
_CODE_ACTIONS = ("actions/checkout", "actions/github-script")


def _runs_own_code(job: Job) -> bool:
    """Whether a job checks out code, runs a script, or hands over to code the trigger does not
    pin down (a local action, a reusable workflow, a container action)."""
    if job.uses:
        return True
    for step in job.steps:
        if step.run is not None or not step.uses:
            return True
        uses = step.uses.lower()
        if uses.startswith(("./", "docker://")) or uses in _CODE_ACTIONS or step.via is not None:
            return True
    return False


RULE = Rule(
    code="GHA023",
    name="privileged-trigger-added",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
