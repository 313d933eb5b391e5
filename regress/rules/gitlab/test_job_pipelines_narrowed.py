"""A GitLab test or scan job no longer runs in pipelines where it used to run.

## What it does
Evaluates each test or scan job's `rules`, `only`/`except` and `when` under every kind of
pipeline — merge request, branch, default branch, tag, schedule — and reports a job that ran by
itself in one of them before and no longer does (left out, `when: never`, `on_failure`) or only
runs when started by hand there. Merge request and branch pipelines count together as "before
merge", so moving a job from branch pipelines to merge request pipelines is not a loss. Facts
nobody knows offline (project variables, which files a push changes, the default branch's name)
are kept as unknowns: an equivalent rewrite — `only`/`except` turned into the same `rules:`, with
or without `!reference` — compares equal and stays silent, and a loss under some answers only is
reported as partial, naming what it depends on.

## Why is this bad?
`only: [schedules]`, a new first rule `when: never`, `if: $RUN_TESTS` (never set) or a narrowed
`changes:` list take the tests out of the pipelines that gate merging, while the job still exists
and the configuration still looks complete.

## Example
```yaml
# base                          # head
unit:                           unit:
  script: [pytest]                script: [pytest]
                                  only: [schedules]
```

## How to resolve
Keep the job in merge request (or branch) pipelines, or approve the finding with the reason the
tests may stop gating merges.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.gitlab.policy import RunPolicy
from regress.kinds.gitlab.runs import Group, Loss, LossKind, compare
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS

_POLICY_KEYS = ("rules", "only", "except", "when")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    if not (TEST in before.classes or SECURITY in before.classes):
        return
    pb, pa = before.extra.get("policy"), after.extra.get("policy")
    if not isinstance(pb, RunPolicy) or not isinstance(pa, RunPolicy) or pb.key == pa.key:
        return
    # A job made manual everywhere is the made-manual rule's; a change of workflow:rules alone is
    # reported once for the pipeline. Here: what the job's own settings took away, under the head
    # workflow, and only if the effective change loses it too.
    job_level = compare(replace(pb, workflow=pa.workflow), pa)
    effective = {(loss.group, loss.kind) for loss in compare(pb, pa)}
    losses = [loss for loss in job_level if (loss.group, loss.kind) in effective]
    if after.manual and not before.manual:
        losses = [loss for loss in losses if loss.kind is not LossKind.MANUAL]
    if not losses:
        return
    what = "test" if TEST in before.classes else "scan"
    key = next((k for k in _POLICY_KEYS if k in change.after.body), None)
    base_key = next((k for k in _POLICY_KEYS if k in change.before.body), None)
    yield Hit(
        message=f"{what} {after.label} in {after.pipeline} {_phrase(losses)}",
        attr="job.runs",
        head_route=(key,) if key else (),
        base_route=(base_key,) if base_key else (),
        before=sorted(before.extra.get("runs", {})),
        after=sorted(after.extra.get("runs", {})),
        severity=_severity(losses),
        category=Category.TESTS if what == "test" else Category.SECURITY,
    )


def _phrase(losses: list[Loss]) -> str:
    """``no longer runs in A, B or C; may no longer run in D (depending on whether …)``."""
    verbs: dict[str, list[str]] = {}
    for loss in losses:
        if loss.kind is LossKind.STOPS:
            verb = "may no longer run in" if loss.partial else "no longer runs in"
        else:
            verb = "may only run by hand in" if loss.partial else "only runs when started by hand in"
        text = loss.group.label
        if loss.depends_on:
            text += f" (depending on whether {'; '.join(loss.depends_on)})"
        verbs.setdefault(verb, []).append(text)
    parts = []
    for verb, groups in verbs.items():
        listed = groups[0] if len(groups) == 1 else ", ".join(groups[:-1]) + " or " + groups[-1]
        parts.append(f"{verb} {listed}")
    return "; ".join(parts)


def _severity(losses: list[Loss]) -> Severity:
    pre = [loss for loss in losses if loss.group is Group.PRE_MERGE]
    if any(not loss.partial for loss in pre):
        return Severity.HIGH
    if pre or any(loss.group is Group.DEFAULT_BRANCH and not loss.partial for loss in losses):
        return Severity.MEDIUM
    return Severity.LOW


RULE = Rule(
    code="GL003",
    name="test-job-pipelines-narrowed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
