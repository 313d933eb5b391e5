"""GitLab `workflow:rules` no longer create pipelines where tests ran.

## What it does
Evaluates `workflow:rules` — which decide whether a pipeline is created at all — under every kind
of pipeline and reports when the head no longer creates pipelines before merge (merge request or
branch pipelines) or on the default branch, while the pipeline has test or scan jobs. Switching
from branch pipelines to merge request pipelines keeps tests before merge and stays silent.

## Why is this bad?
Dropping `$CI_PIPELINE_SOURCE == "merge_request_event"` from `workflow:rules` removes every job
from merge requests at once, without touching a single job (glsec GL053).

## Example
```yaml
# base                                                     # head
workflow:                                                  workflow:
  rules:                                                     rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"         - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
```

## How to resolve
Keep creating pipelines for merge requests (or branches), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job, Pipeline
from regress.kinds.gitlab.policy import RunPolicy
from regress.kinds.gitlab.runs import Group, LossKind, compare
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Pipeline) or not isinstance(after, Pipeline) or before.platform != "gitlab":
        return
    wb, wa = before.extra.get("workflow"), after.extra.get("workflow")
    if wb == wa:
        return
    child = bool(after.extra.get("child"))
    probe_b = RunPolicy(only=(), workflow=wb, variables=tuple(sorted(before.extra.get("variables", {}).items())))
    probe_a = RunPolicy(only=(), workflow=wa, variables=tuple(sorted(after.extra.get("variables", {}).items())))
    probe_b = _child(probe_b, child)
    probe_a = _child(probe_a, child)
    losses = [
        loss
        for loss in compare(probe_b, probe_a)
        if loss.group in (Group.PRE_MERGE, Group.DEFAULT_BRANCH) and loss.kind is LossKind.STOPS
    ]
    if not losses:
        return
    tests = sorted(
        o.facts.id
        for o in ctx.head.of_type(FAMILY, "job")
        if isinstance(o.facts, Job) and o.facts.pipeline == after.id and o.facts.classes & {TEST, SECURITY}
    )
    if not tests:
        return
    shown = ", ".join(repr(t) for t in tests[:5]) + (f" and {len(tests) - 5} more" if len(tests) > 5 else "")
    groups = " or ".join(
        loss.group.label + (f" (depending on whether {'; '.join(loss.depends_on)})" if loss.depends_on else "")
        for loss in losses
    )
    pre = any(loss.group is Group.PRE_MERGE and not loss.partial for loss in losses)
    yield Hit(
        message=f"{after.id}: workflow:rules no longer create {groups}, so the test and scan jobs {shown} "
        "do not run there",
        attr="workflow.rules",
        head_route=("workflow",),
        base_route=("workflow",),
        severity=Severity.HIGH if pre else Severity.MEDIUM,
    )


def _child(policy: RunPolicy, child: bool) -> RunPolicy:
    from dataclasses import replace

    return replace(policy, child=child)


RULE = Rule(
    code="GL005",
    name="merge-request-pipelines-dropped",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
