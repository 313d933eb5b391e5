"""A privileged workflow now checks out the pull request's code.

## What it does
Reports an `actions/checkout` step whose `ref:` names the pull request's head
(`github.event.pull_request.head.sha`/`.ref`, `github.head_ref`, `workflow_run.head_sha`,
`refs/pull/…`), or whose `repository:` is the fork the pull request comes from
(`github.event.pull_request.head.repo.full_name`), in a workflow triggered by
`pull_request_target`, `workflow_run` or `issue_comment`, when the base did not do both (the
checkout was added, or the trigger became privileged under an existing checkout). This is OpenSSF
Scorecard's Dangerous-Workflow "untrusted checkout", with the comment-triggered bots that check
out `refs/pull/N/head` added.

## Why is this bad?
Code from a fork — build scripts, test fixtures, `package.json` hooks — then runs with the base
repository's secrets and a write token: a "pwn request".

## Example
```yaml
# on: pull_request_target
- uses: actions/checkout@v4          - uses: actions/checkout@v4
                                       with:
                                         ref: ${{ github.event.pull_request.head.sha }}
```

## How to resolve
Run untrusted code under `pull_request` (no secrets), or gate the job behind an environment with
required reviewers, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.ci.signals import UNTRUSTED_REFS, UNTRUSTED_REPOSITORIES
from regress.model import Change
from regress.rules.base import Hit, Index, Rule, RuleContext
from regress.rules.ci.helpers import jobs, pipeline_obj, pipelines
from regress.rules.github import KINDS

#: Events whose runs get the repository's secrets and a write token while a pull request's code
#: can be fetched: ``pull_request_target`` and ``workflow_run`` (OpenSSF Scorecard's
#: Dangerous-Workflow check), and ``issue_comment``, whose bots check out ``refs/pull/N/head`` on a
#: comment such as ``/test`` (GitHub Security Lab, "Preventing pwn requests").
_PRIVILEGED = ("pull_request_target", "workflow_run", "issue_comment")


def _privileged(index: Index, job: Job) -> set[str]:
    obj = pipeline_obj(index, job)
    triggers = getattr(obj.facts, "triggers", {}) if obj is not None else {}
    return {e for e in _PRIVILEGED if e in triggers}


def _untrusted_ref(step: Step) -> tuple[str, str] | None:
    """The input of an ``actions/checkout`` step that names the pull request's code, with its
    value: a ``ref`` of the head (or ``refs/pull/N/…``), or a ``repository`` that is the fork."""
    if not step.uses or step.uses.lower() != "actions/checkout":
        return None
    for name, signals in (("ref", UNTRUSTED_REFS), ("repository", UNTRUSTED_REPOSITORIES)):
        value = step.inputs.get(name)
        if isinstance(value, str) and any(u in value.lower() for u in signals):
            return name, value
    return None


def _under(events: set[str], ref: str) -> set[str]:
    """The events under which ``ref`` is the pull request's code. An ``issue_comment`` run has no
    ``pull_request`` in its payload (GitHub docs, "Events that trigger workflows": the comment's
    issue, which may be a pull request), so only a ``refs/pull/N/…`` ref reaches a pull request's
    code there; a ``…pull_request.head…`` context is empty and the checkout takes the default
    branch."""
    return events if "refs/pull/" in ref.lower() else events - {"issue_comment"}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.type == "pipeline":
        yield from _trigger_changed(change, ctx)
        return
    before, after = jobs(change)
    if after is None:
        return
    events = _privileged(ctx.head, after)
    if not events:
        return
    base_events = _privileged(ctx.base, before) if before is not None else set()
    paired = {id(sa): sb for sb, sa in pair_steps(before, after) if sa is not None} if before else {}
    for step in after.steps:
        found = _untrusted_ref(step)
        if found is None:
            continue
        old = paired.get(id(step))
        was = _untrusted_ref(old) if old is not None else None
        if was is not None and _under(base_events, was[1]):
            continue  # the base already ran the pull request's code with secrets here
        name, ref = found
        under = _under(events, ref)
        if not under:
            continue
        yield Hit(
            message=f"{step.label} of {after.label} in {after.pipeline} checks out {ref} under "
            f"{', '.join(sorted(under))}: pull request code runs with the repository's secrets",
            attr=f"step[{step.key}].with.{name}",
            head_route=(*step.route, "with", name),
            base_route=(*old.route, "with") if old is not None else None,
            before=None,
            after=ref,
        )


def _trigger_changed(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    """The workflow became privileged: its existing pull-request checkouts become untrusted."""
    before, after = pipelines(change)
    if after is None:
        return
    new = {e for e in _PRIVILEGED if e in after.triggers and (before is None or e not in before.triggers)}
    if not new or before is None:
        return
    for obj in ctx.head.of_type(FAMILY, "job"):
        job = obj.facts
        if not isinstance(job, Job) or job.pipeline != after.id or job.platform != after.platform:
            continue
        for step in job.steps:
            found = _untrusted_ref(step)
            if found is None:
                continue
            name, ref = found
            under = _under(new, ref)
            if not under:
                continue
            yield Hit(
                message=f"{step.label} of {job.label} in {job.pipeline} checks out {ref} under "
                f"{', '.join(sorted(under))}: pull request code runs with the repository's secrets",
                attr=f"step[{step.key}].with.{name}",
                head_obj=obj,
                head_route=(*step.route, "with", name),
                identity=obj.identity,
                before=None,
                after=ref,
            )


RULE = Rule(
    code="GHA024",
    name="untrusted-checkout",
    category=Category.SECURITY,
    severity=Severity.CRITICAL,
    kinds=KINDS,
    watches=((FAMILY, "job"), (FAMILY, "pipeline")),
    check=check,
    doc=__doc__ or "",
)
