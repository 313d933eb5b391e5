"""A deploy job no longer waits for the tests or scans it waited for.

## What it does
Computes, for every deploy job (a job with an `environment`, or named deploy/release/publish,
or running a deploy command), the test and scan jobs it waits for through its *transitive*
`needs` (GitLab/CircleCI/Azure: `needs`/`requires`/`dependsOn`), and reports the ones it no
longer waits for: `needs: [test, lint]` → `needs: [lint]`, or a `needs: [build]` whose `build`
stopped needing `test`. A `needs` list that gains jobs stays silent, and so does a job that is a
deploy job by its name alone (`Build Release Binaries`: no environment, no deploy command) when
every deploy job it feeds still waits for the tests: its artifacts ship only after they passed.

## Why is this bad?
The deploy now starts while the tests are still running or after they failed: a broken build
reaches production, and the tests only tell afterwards.

## Example
```yaml
# base                          # head
deploy:                         deploy:
  needs: [test, lint]             needs: [lint]
  environment: production         environment: production
```

## How to resolve
Keep the dependency, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY, SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import jobs, jobs_of, needs_closure

_GATES = frozenset({TEST, SECURITY})


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None or DEPLOY not in after.classes:
        return
    base_jobs = jobs_of(ctx.base, before.platform, before.pipeline)
    head_jobs = jobs_of(ctx.head, after.platform, after.pipeline)
    waited = {j for j in needs_closure(before, base_jobs) if j in base_jobs and base_jobs[j].classes & _GATES}
    now = needs_closure(after, head_jobs)
    lost = sorted(j for j in waited if j not in now and j in head_jobs and not _still_gated(after, j, head_jobs))
    if not lost:
        return
    yield Hit(
        message=f"deploy {after.label} in {after.pipeline} no longer waits for {', '.join(lost)} "
        f"(needs: {sorted(before.needs)} → {sorted(after.needs)})",
        attr="needs",
        head_route=("needs",),
        base_route=("needs",),
        before=sorted(before.needs),
        after=sorted(after.needs),
    )


def _still_gated(job: Job, gate: str, head_jobs: dict[str, Job], seen: frozenset[str] = frozenset()) -> bool:
    """``job`` is a deploy job by its name alone (`Build Release Binaries`: no environment, no
    deploy step) that feeds later deploy jobs, and every one of those still waits for ``gate``: the
    artifacts it builds are released only after ``gate`` passed, so nothing ships untested."""
    if job.environment or any(DEPLOY in s.classes for s in job.steps) or job.id in seen:
        return False
    seen = seen | {job.id}
    shipping = [j for j in head_jobs.values() if job.id in j.needs and DEPLOY in j.classes]
    return bool(shipping) and all(
        gate in needs_closure(j, head_jobs) or _still_gated(j, gate, head_jobs, seen) for j in shipping
    )


RULE = Rule(
    code="CI017",
    name="deploy-no-longer-waits-for-tests",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
