"""A deploy can now be cancelled midway by a newer run.

## What it does
Reports `concurrency: {cancel-in-progress: true}` (or an expression that may be true) added at
workflow level to a workflow with deploy jobs, or at job level to a deploy job. With it, a newer
push cancels the running deploy wherever it is (GitHub docs "Control the concurrency of
workflows and jobs").

An expression is evaluated per event: a run cancels only within its concurrency group, so
`cancel-in-progress: ${{ github.event_name == 'pull_request' }}` with a group that keeps pull
requests apart (`github.ref`, `github.head_ref`) or each event apart (`github.event_name`) cannot
cancel a deploy that runs on `push` or `release`. Deploy steps are judged on the events their
`if:` lets them run on, and runs on pull request events (previews) are not deploys here.

## Why is this bad?
A deploy cancelled halfway leaves migrations half-applied, a rollout half-done or a release
half-published. For deploys, queueing (`cancel-in-progress: false`) is the safe setting.

## Example
```yaml
# base                          # head
concurrency: deploy-prod        concurrency:
                                  group: deploy-prod
                                  cancel-in-progress: true
```

## How to resolve
Set `cancel-in-progress: false` for deploy workflows (keep it for test workflows), or approve the
finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY
from regress.kinds.ci.model import FAMILY, Job, Pipeline, Trigger
from regress.kinds.github import expr
from regress.kinds.github.handler import job_events
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs, jobs_of, pipelines
from regress.rules.github import KINDS

#: Runs on these events test a pull request's code: a preview deploy from one is superseded by the
#: next push, which is what ``cancel-in-progress`` is for.
_PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
#: Group expressions that put a pull request's runs in groups of their own (GitHub docs, "Events
#: that trigger workflows": ``github.ref`` is ``refs/pull/N/merge`` and ``github.head_ref`` is set
#: only for pull request events) or that keep each event apart (``github.event_name``).
_BY_REF = re.compile(r"github\.(?:ref|ref_name|head_ref)\b")
_BY_EVENT = re.compile(r"github\.event_name\b")


def cancelling_events(concurrency: Any, triggers: frozenset[str]) -> frozenset[str] | None:
    """The events whose runs cancel the run in progress in their group: those on which
    ``cancel-in-progress`` may be true (None: any event, the triggers being unknown)."""
    if not isinstance(concurrency, dict):
        return frozenset()
    value = concurrency.get("cancel-in-progress")
    if not triggers:
        return None if expr.value_truth(value, expr.event_contexts(None)) is not False else frozenset()
    return frozenset(e for e in sorted(triggers) if expr.value_truth(value, expr.event_contexts(e)) is not False)


def deploy_events(job: Job, triggers: frozenset[str]) -> frozenset[str] | None:
    """The events on which the job's deploy steps can run: the job's events that each step's
    ``if:`` does not provably exclude (None: not known). A job classed as a deploy by its
    environment or name, with no deploy step of its own, deploys whenever it runs."""
    events = job.events if job.events is not None else (triggers or None)
    if events is None:
        return None
    steps = [s for s in job.steps if DEPLOY in s.classes]
    if not steps:
        return events
    out: set[str] = set()
    for step in steps:
        # A step whose ``if:`` excludes every event never deploys: it adds none (not all).
        found = job_events({e: Trigger(e) for e in sorted(events)}, step.condition)
        out |= events if found is None else found
    return frozenset(out)


def cancels_a_deploy(concurrency: Any, triggers: frozenset[str], deploys: list[Job]) -> bool:
    """Whether a newer run can cancel a run that deploys. Deploys on pull request events are
    previews, left out; a run cancels only within its concurrency group, so a group that keeps
    pull requests (or each event) apart protects deploys from runs that only cancel those."""
    cancelling = cancelling_events(concurrency, triggers)
    if cancelling is not None and not cancelling:
        return False
    deploying: set[str] | None = set()
    for job in deploys:
        found = deploy_events(job, triggers)
        if found is None or deploying is None:
            deploying = None
            continue
        deploying |= found - _PULL_REQUEST_EVENTS
    if deploying is not None and not deploying:
        return False
    if cancelling is None or deploying is None:
        return True
    group = str(concurrency.get("group", "")) if isinstance(concurrency, dict) else ""
    for c in cancelling:
        for d in deploying:
            if _BY_EVENT.search(group) and c != d:
                continue
            if _BY_REF.search(group) and (c in _PULL_REQUEST_EVENTS) != (d in _PULL_REQUEST_EVENTS):
                continue
            return True
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.type == "pipeline":
        before, after = pipelines(change)
        if before is None or after is None:
            return
        deploy_jobs = [j for j in jobs_of(ctx.head, after.platform, after.id).values() if DEPLOY in j.classes]
        triggers = frozenset(after.triggers)
        if (
            deploy_jobs
            and cancels_a_deploy(after.extra.get("concurrency"), triggers, deploy_jobs)
            and not cancels_a_deploy(before.extra.get("concurrency"), triggers, deploy_jobs)
        ):
            yield Hit(
                message=f"workflow {after.id} now cancels a running deploy "
                f"({', '.join(sorted(j.id for j in deploy_jobs))}) when a newer run starts (concurrency "
                "cancel-in-progress)",
                attr="concurrency.cancel-in-progress",
                head_route=("concurrency",),
                base_route=("concurrency",),
                after=True,
            )
        return
    jb, ja = jobs(change)
    if jb is None or ja is None or DEPLOY not in ja.classes:
        return
    pipeline = ctx.head.get(FAMILY, (ja.platform, ja.pipeline))
    facts = pipeline.facts if pipeline is not None else None
    triggers = frozenset(facts.triggers) if isinstance(facts, Pipeline) else frozenset()
    if cancels_a_deploy(ja.extra.get("concurrency"), triggers, [ja]) and not cancels_a_deploy(
        jb.extra.get("concurrency"), triggers, [ja]
    ):
        yield Hit(
            message=f"deploy {ja.label} in {ja.pipeline} can now be cancelled midway by a newer run "
            "(concurrency cancel-in-progress)",
            attr="concurrency.cancel-in-progress",
            head_route=("concurrency",),
            base_route=("concurrency",),
            after=True,
        )


RULE = Rule(
    code="GHA046",
    name="deploy-cancel-in-progress",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"), (FAMILY, "job")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
