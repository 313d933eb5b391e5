"""A job moved to (or was added on) a self-hosted runner.

## What it does
Reports a job whose `runs-on` names `self-hosted` (or a runner group) in the head and did not in
the base, including new jobs unless the workflow already ran jobs there. The severity is high
when the workflow runs on `pull_request` or `pull_request_target`, where code from forks reaches
the runner.

## Why is this bad?
Self-hosted runners are not wiped between jobs and sit inside the organisation's network: code a
job runs can persist on the machine, read other jobs' files, and reach internal services.
GitHub advises against them for public repositories.

## Example
```yaml
# base                      # head
runs-on: ubuntu-24.04       runs-on: [self-hosted, linux]
```

## How to resolve
Use GitHub-hosted or ephemeral, isolated runners for untrusted code, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, Pipeline
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs, jobs_of, pipeline_obj
from regress.rules.github import KINDS


def self_hosted(runs_on: Any) -> bool:
    if isinstance(runs_on, str):
        return runs_on.strip().lower() == "self-hosted"
    if isinstance(runs_on, list):
        return any(isinstance(v, str) and v.strip().lower() == "self-hosted" for v in runs_on)
    if isinstance(runs_on, dict):
        return "group" in runs_on or self_hosted(runs_on.get("labels"))
    return False


def _on_pull_requests(ctx: RuleContext, job: Job) -> bool:
    obj = pipeline_obj(ctx.head, job)
    triggers = obj.facts.triggers if obj is not None and isinstance(obj.facts, Pipeline) else {}
    return any(e in triggers for e in ("pull_request", "pull_request_target"))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if after is None or not self_hosted(after.runs_on) or (before is not None and self_hosted(before.runs_on)):
        return
    if before is None and any(
        self_hosted(j.runs_on) for j in jobs_of(ctx.base, after.platform, after.pipeline).values()
    ):
        return  # a new job on the runners this workflow already used
    prs = _on_pull_requests(ctx, after)
    yield Hit(
        message=f"{after.label} in {after.pipeline} runs on a self-hosted runner"
        + (f" (was {before.runs_on})" if before is not None else "")
        + ("; the workflow runs on pull requests" if prs else ""),
        attr="runs-on",
        head_route=("runs-on",),
        base_route=("runs-on",) if before is not None else None,
        before=before.runs_on if before is not None else None,
        after=after.runs_on,
        severity=Severity.HIGH if prs else None,
    )


RULE = Rule(
    code="GHA031",
    name="self-hosted-runner",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
