"""A workflow gained a privileged trigger (pull_request_target, workflow_run, issue_comment).

## What it does
Reports a workflow that runs on `pull_request_target`, `workflow_run` or `issue_comment` in the
head and did not in the base — a trigger switched (`pull_request` → `pull_request_target`) or a
new workflow added with one. When the workflow's jobs run tests, the message says so: without an
explicit checkout of the pull request's head they now test the *base* branch's code.

The severity follows what the jobs do with what the trigger hands them. Both `pull_request_target`
and `workflow_run` runs get the repository's secrets and a token that can write, even for a pull
request from a fork (GitHub docs, "Events that trigger workflows": `pull_request_target` "allows
your workflow to do things like label or comment on pull requests from forks. Avoid using this
event if you need to build or run code from the pull request"; a `workflow_run` workflow "is able
to access secrets and write tokens, even if the previous workflow was not").

- Low: every job only runs published actions and GitHub API calls (`gh` commands that fetch no
  code, `actions/github-script` scripts that run no command or module, shell text tools): an
  issue labeller, a cache cleaner, a bot comment, a run approver, the use GitHub documents for
  these triggers. A job named after a test but doing only this (`Approve ok-to-test`) is no test.
- Medium: a job calls another repository's reusable workflow, which this check cannot read,
  without passing it secrets (it still gets the token).
- High: a job checks out code, runs any other script, a local action, a container, downloads
  artifacts (a pull request's build output, under `workflow_run`), or calls another repository's
  reusable workflow with `secrets: inherit` or a `secrets:` map.

A job that calls a reusable workflow of the same repository (`uses: ./.github/workflows/x.yml`)
is judged by the called workflow's own jobs, and theirs in turn: it runs with the caller's token
and the secrets it is passed. The repository's secrets reach another repository's workflow
called from there only when every call on the way passes them. A called workflow that cannot be
read (missing, unparsable, past GitHub's nesting limit) counts as high.

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
from dataclasses import dataclass
from enum import Enum

from regress.findings import Category, Severity
from regress.kinds.ci.classify import TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.ci.signals import PRIVILEGED_TRIGGERS
from regress.kinds.github.api_steps import api_only_step
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import pipeline_jobs, pipelines
from regress.rules.github import KINDS


class Reach(Enum):
    """What a job does with what the trigger hands it, from least to most exposed."""

    #: Only published actions and GitHub API calls (``gh``, ``actions/github-script``): no code of
    #: the repository or of the pull request is checked out, fetched or run.
    API = 1
    #: Hands over to a reusable workflow of another repository, which this check cannot read.
    CALLS = 2
    #: Checks out code, runs a script, a local action or a container, or downloads artifacts.
    CODE = 3


#: Actions that check out code, run a script given to them as input, or bring another run's
#: files (a pull request's build artifacts, under ``workflow_run``) onto the runner.
_CODE_ACTIONS = ("actions/checkout", "actions/github-script")


@dataclass(frozen=True, slots=True)
class _Run:
    """A job that runs under the trigger: one of the workflow's own, or one of a local reusable
    workflow it calls, at any depth."""

    #: None: a local reusable workflow that cannot be read (missing, unparsable, past GitHub's
    #: nesting limit), which may do anything.
    job: Job | None
    #: Whether the repository's secrets reach it: a called workflow gets them only when every call
    #: on the way passes them on (GitHub docs, "Reusing workflows", "Passing secrets to nested
    #: workflows": "workflow C will only receive secrets from A if they have been passed from A
    #: to B, and then from B to C").
    secrets: bool


def _runs(jobs: list[Job]) -> list[_Run]:
    """``jobs`` with each call of a local reusable workflow replaced by the called workflow's own
    jobs, as the GitHub handler read them (``callee_jobs``): it runs in the caller's context, with
    its token and what secrets it is passed, so what it does is what the caller does."""
    out: list[_Run] = []
    seen: set[tuple[int, bool]] = set()
    todo = [_Run(j, True) for j in reversed(jobs)]
    while todo:
        run = todo.pop()
        job = run.job
        if job is None or not (job.uses and job.uses.startswith("./")):
            out.append(run)
            continue
        if (id(job), run.secrets) in seen:
            continue  # the same workflow called twice: its jobs are read once
        seen.add((id(job), run.secrets))
        callees = job.extra.get("callee_jobs")
        if not isinstance(callees, tuple) or not callees:
            out.append(_Run(None, run.secrets))
            continue
        passes = run.secrets and _passes_secrets(job)
        todo.extend(_Run(c, passes) for c in reversed(callees) if isinstance(c, Job))
    return out


def _reach(job: Job | None) -> Reach:
    if job is None:
        return Reach.CODE
    if job.uses:
        return Reach.CODE if job.uses.startswith("./") else Reach.CALLS
    for step in job.steps:
        if api_only_step(step):
            continue
        if step.run is not None or not step.uses:
            return Reach.CODE
        uses = step.uses.lower()
        if (
            uses.startswith(("./", "docker://"))
            or uses in _CODE_ACTIONS
            or "download-artifact" in uses
            or step.via is not None
        ):
            return Reach.CODE
    return Reach.API


def _passes_secrets(job: Job) -> bool:
    """A called workflow gets the caller's secrets only through ``secrets: inherit`` or a
    ``secrets:`` map; it always gets the token (GitHub docs, "Reusing workflows")."""
    return job.secrets is not None and job.secrets != {}


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
        runs = _runs(jobs)
        reaches = [(r, _reach(r.job)) for r in runs]
        most = max((reach for _, reach in reaches), key=lambda r: r.value, default=Reach.CODE)
        was = f" (was {', '.join(sorted(had))})" if had else ""
        head = f"workflow {after.id} now runs on {event}{was}: "
        severity: Severity | None = None
        if most is Reach.CALLS:
            callers = [r for r, reach in reaches if r.job is not None and reach is Reach.CALLS]
            called = sorted({str(r.job.uses) for r in callers if r.job is not None})
            secrets = any(r.secrets and r.job is not None and _passes_secrets(r.job) for r in callers)
            message = (
                head
                + "its jobs hand a write token"
                + (" and the repository's secrets" if secrets else ", but no secrets,")
                + f" to reusable workflows this check cannot read ({', '.join(called)}) while handling outside input"
            )
            if tests:
                message += (
                    "; its test jobs now check the base branch's code unless the called workflow checks out the "
                    "pull request's head"
                )
            severity = None if secrets else Severity.MEDIUM
        else:
            message = head + "its jobs get the repository's secrets and a write token while handling outside input"
            if most is Reach.CODE and tests:
                message += (
                    "; its test jobs now run with secrets and, unless they check out the pull request's head, test "
                    "the base branch's code"
                )
            if most is Reach.API:
                api = [api_only_step(s) for r in runs if r.job is not None for s in r.job.steps]
                if not any(api):
                    message += "; its jobs only run actions, with no checkout and no script"
                else:
                    message += (
                        "; its jobs check out no code and run only GitHub API calls (gh, github-script) and shell "
                        "text tools" + (" besides published actions" if not all(api) else "")
                    )
                severity = Severity.LOW
        yield Hit(
            message=message,
            attr=f"on.{event}",
            head_route=("on", event),
            base_route=("on",) if before is not None else None,
            before=sorted(had) or None,
            after=event,
            severity=severity,
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
