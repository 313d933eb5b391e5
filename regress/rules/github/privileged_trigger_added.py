"""A workflow gained a privileged trigger (pull_request_target, workflow_run, issue_comment).

## What it does
Reports a workflow that runs on `pull_request_target`, `workflow_run` or `issue_comment` in the
head and did not in the base — a trigger switched (`pull_request` → `pull_request_target`) or a
new workflow added with one. When the workflow's jobs run tests, the message says so: without an
explicit checkout of the pull request's head they now test the *base* branch's code.

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
from regress.kinds.ci.model import FAMILY
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
        tests = any(TEST in j.classes for j in pipeline_jobs(ctx.head, after))
        was = f" (was {', '.join(sorted(had))})" if had else ""
        also = (
            "; its test jobs now run with secrets and, unless they check out the pull request's head, test "
            "the base branch's code"
            if tests
            else ""
        )
        yield Hit(
            message=f"workflow {after.id} now runs on {event}{was}: its jobs get the repository's "
            f"secrets and a write token while handling outside input{also}",
            attr=f"on.{event}",
            head_route=("on", event),
            base_route=("on",) if before is not None else None,
            before=sorted(had) or None,
            after=event,
        )


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
