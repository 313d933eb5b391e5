"""A security scanner no longer runs.

## What it does
Reports a scanner step (CodeQL, Semgrep, dependency review, Trivy, Grype, Checkov, gitleaks,
`npm audit`, `pip-audit`, … — CATALOGUE.md Signals S2, extendable with `classify: security:`)
that ran in the base and runs nowhere in the head: its job or whole workflow file deleted or
commented out, or the step removed from a job that is still there. A scan that moved verbatim to
another job or workflow file (or that still runs there with other inputs) is not removed; a
version bump of the scanner's action is not either. "Elsewhere" includes the workflows beside it
that the change did not touch (the rest of `.github/workflows/`, read on demand), but only a job
that runs on the pull-request events the scan gated (else `push`): a scan left only in a nightly
workflow no longer checks pull requests.
Deletion by revert counts.

## Why is this bad?
Vulnerabilities, leaked secrets and misconfigurations the scanner caught now reach the default
branch unseen; code-scanning merge protection that waits for its results stops being fed.

## Example
```yaml
# base: .github/workflows/codeql.yml          # head: file deleted
jobs:
  analyze:
    steps:
      - uses: github/codeql-action/init@v3
      - uses: github/codeql-action/analyze@v3
```

## How to resolve
Keep the scan (or move it: regress pairs moved steps), or approve the finding with the reason and
where the scan now runs (an organisation-level required workflow, for instance).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, covers, head_jobs, jobs, own_steps, pipeline_obj, runs_elsewhere


def tool(step: Step) -> str:
    """The scanner a step runs: the action without its sub-path, or the command's first words."""
    if step.uses:
        parts = step.uses.lower().split("/")
        return "/".join(parts[:2])
    words = (step.run or "").split()
    return " ".join(words[:2]) if words else step.label


def _head_tools(ctx: RuleContext, near: ModelObject, on: Job) -> set[str]:
    """Scanners that still run in the head, on the events ``on`` gated: in the pipelines the change
    loaded and in the untouched pipeline files beside ``near`` (a scan moved to another job or
    file, with new inputs, or one another workflow already runs, is not a removed scan)."""
    return {tool(s) for job in head_jobs(ctx, near) if covers(job, on) for s in job.steps if SECURITY in s.classes}


def _still_run(steps: list[Step], ctx: RuleContext, near: ModelObject, on: Job) -> list[Step]:
    """The steps of ``steps`` that run nowhere in the head (only asked when some were lost, so the
    neighbouring files are read only then)."""
    if not steps:
        return []
    still = _head_tools(ctx, near, on)
    return [s for s in steps if tool(s) not in still and not runs_elsewhere(s, ctx, near, on)]


def _group(steps: list[Step]) -> dict[str, list[Step]]:
    out: dict[str, list[Step]] = {}
    for s in steps:
        out.setdefault(tool(s), []).append(s)
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None:
        return
    if after is None:
        yield from _job_removed(change, before, ctx)
        return
    lost = [
        sb
        for sb, sa in pair_steps(before, after)
        if sb is not None and sa is None and sb.via is None and SECURITY in sb.classes
    ]
    lost = _still_run(lost, ctx, change.obj, before)
    for name, steps in _group(lost).items():
        yield Hit(
            message=f"security scan {name} was removed from {after.label} in {after.pipeline}",
            attr=f"scan[{name}]",
            head_route=steps[0].route[:-1],
            base_route=steps[0].route,
            before=name,
            after=None,
            related=callers_related(after),
        )


def _job_removed(change: Change, job: Job, ctx: RuleContext) -> Iterator[Hit]:
    scans = [s for s in own_steps(job) if SECURITY in s.classes]
    if not scans and SECURITY in job.classes:
        name = job.uses or job.id
        scans_by_tool: dict[str, list[Step]] = {name: []}
        if job.uses and any(
            (other.uses or "").lower() == job.uses.lower() and covers(other, job)
            for other in head_jobs(ctx, change.obj)
        ):
            return  # the same scanning workflow is still called, from another job or file
    else:
        scans_by_tool = _group(_still_run(scans, ctx, change.obj, job))
    if not scans_by_tool:
        return
    pipeline = pipeline_obj(ctx.head, job)
    where = job.pipeline + ("" if pipeline is not None else " (file removed)")
    for name in scans_by_tool:
        yield Hit(
            message=f"security scan {name} was removed with {job.label} from {where}",
            attr=f"scan[{name}]",
            head_obj=pipeline,
            head_route=("jobs",) if pipeline is not None else None,
            base_route=(),
            before=name,
            after=None,
        )


RULE = Rule(
    code="CI034",
    name="security-scan-removed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed", "moved"}),
)
