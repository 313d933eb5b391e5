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
- Low, too: the jobs check out the repository with no `ref:` (or a ref of the base: `github.sha`,
  `github.base_ref`, the pull request's `base.sha`) and run only files of that checkout: a
  github-script that `require`s `./.github/scripts/….js`, a `run:` of `./scripts/x.sh` or
  `python3 .github/bot/x.py`, a local action. Under these triggers a checkout with no ref is the
  pull request's base branch (`pull_request_target`) or the default branch (`issue_comment`,
  `workflow_run`), the repository's reviewed code, not the pull request's (GitHub docs, "Events
  that trigger workflows", `GITHUB_SHA` per event; "Securely using pull_request_target"). The
  message says which branch.
- Medium: a job calls another repository's reusable workflow, which this check cannot read,
  without passing it secrets (it still gets the token).
- High: a job checks out the pull request (`ref: ${{ github.event.pull_request.head.sha }}`,
  `refs/pull/…`, the fork's `repository:`) or a ref it cannot tell (a step's output), runs any
  other script (a build, a package manager, `git`, `curl`, `python -c`), a container, downloads
  artifacts (a pull request's build output, under `workflow_run`), runs tests (as written they
  test the base branch's code, with secrets), expands text from outside (a comment, a title, a
  branch name) into a script, which the message names, or calls another repository's reusable
  workflow with `secrets: inherit` or a `secrets:` map.

A `workflow_call` trigger beside the privileged one changes nothing: the jobs run under the
privileged event all the same.

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
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.signals import PRIVILEGED_TRIGGERS
from regress.kinds.github.api_steps import api_only_step
from regress.kinds.github.base_code import base_checkout, base_module_script, base_script
from regress.kinds.github.expr import expressions_in
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import pipeline_jobs, pipelines
from regress.rules.github import KINDS
from regress.rules.github.script_injection import injected


class Reach(Enum):
    """What a job does with what the trigger hands it, from least to most exposed."""

    #: Only published actions and GitHub API calls (``gh``, ``actions/github-script``): no code of
    #: the repository or of the pull request is checked out, fetched or run.
    API = 1
    #: Checks out the base repository at the run's own commit (the pull request's base branch, or
    #: the default branch) and runs only files of that checkout: the repository's reviewed code.
    BASE = 2
    #: Hands over to a reusable workflow of another repository, which this check cannot read.
    CALLS = 3
    #: Checks out the pull request or an unknown ref, runs any other script or a container,
    #: downloads artifacts, expands outside text into a script, or runs tests.
    CODE = 4


#: What ``GITHUB_SHA`` is on a run of each privileged event, which a checkout with no ``ref``
#: checks out (GitHub docs, "Events that trigger workflows": "Last commit on the PR base branch"
#: for ``pull_request_target``, "Last commit on default branch" for the others).
_CHECKED_OUT = {"pull_request_target": "base branch"}


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


def _takes_inputs(step: Step) -> bool:
    """A step inlined from a local composite action that expands the action's ``inputs`` into
    its script: the caller may pass outside text through them, which this check does not follow."""
    texts = [step.run, step.inputs.get("script")]
    return step.via is not None and any(
        isinstance(t, str) and any(b.lower().startswith("inputs.") for b in expressions_in(t)) for t in texts
    )


def _step_reach(step: Step) -> Reach:
    if _takes_inputs(step):
        return Reach.CODE
    if api_only_step(step):
        return Reach.API
    if step.run is not None:
        return Reach.BASE if not step.uses and base_script(step.run) else Reach.CODE
    if not step.uses:
        return Reach.CODE
    uses = step.uses.lower()
    if uses == "actions/checkout":
        return Reach.BASE if base_checkout(step) else Reach.CODE
    if uses == "actions/github-script":
        script = step.inputs.get("script")
        return Reach.BASE if isinstance(script, str) and base_module_script(script) else Reach.CODE
    if uses.startswith("docker://") or "download-artifact" in uses:
        return Reach.CODE
    if uses.startswith("./"):
        # A local action is code of the checkout; a composite one's own steps follow it in the
        # job (``via``) and are judged each in turn.
        return Reach.BASE
    return Reach.API


def _published(step: Step) -> bool:
    """A published action other than those judged by what they check out or run."""
    uses = (step.uses or "").lower()
    return bool(uses) and step.run is None and _step_reach(step) is Reach.API and uses != "actions/github-script"


def _reach(job: Job | None) -> Reach:
    if job is None:
        return Reach.CODE
    if job.uses:
        return Reach.CODE if job.uses.startswith("./") else Reach.CALLS
    reach = max((_step_reach(s) for s in job.steps), key=lambda r: r.value, default=Reach.API)
    if reach is Reach.BASE and TEST in job.classes:
        # Tests under a privileged trigger: as written they test the base branch's code, with
        # secrets; the pull request's code is one ``ref:`` away (CATALOGUE GA-23).
        return Reach.CODE
    return reach


def _injections(runs: list[_Run]) -> list[str]:
    """Each step that expands text from outside (a comment, a title, a branch name) into a
    script it runs, described with the field it expands."""
    out: list[str] = []
    for run in runs:
        if run.job is None:
            continue
        for step in run.job.steps:
            for context, field in injected(step).items():
                out.append(f"{step.label} of {run.job.label} expands {context} into its {field}")
    return out


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
        injections = _injections(runs)
        if injections:
            most = Reach.CODE
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
            if injections:
                message += "; " + "; ".join(injections) + ": text from outside can run as code"
            if most is Reach.BASE:
                steps = [s for r in runs if r.job is not None for s in r.job.steps]
                verb = (
                    "check out and run" if any((s.uses or "").lower() == "actions/checkout" for s in steps) else "run"
                )
                actions = " and published actions" if any(_published(s) for s in steps) else ""
                message += f"; its jobs {verb} only the {_CHECKED_OUT.get(event, 'default branch')}'s code{actions}"
                severity = Severity.LOW
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
