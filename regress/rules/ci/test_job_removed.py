"""A job that ran tests was removed.

## What it does
Reports a CI job classified as a test job (it runs a test runner, publishes test results, or is
named like one: `test`, `unit`, `integration`, `e2e`, …) that exists in the base and not in the
head, after jobs moved to another file or renamed have been paired with their new selves. A job
commented out counts as removed.

## Why is this bad?
The tests it ran no longer gate the change — and nothing in the pull request's checks says so: a
removed job simply stops reporting.

## Example
```yaml
# base                                  # head
jobs:                                   jobs:
  unit:                                   lint:
    runs-on: ubuntu-latest                  runs-on: ubuntu-latest
    steps: [{run: pytest}]                  steps: [{run: ruff check .}]
  lint:
    runs-on: ubuntu-latest
    steps: [{run: ruff check .}]
```

## How to resolve
Keep the job, move its tests into another job (regress pairs moved tests), or approve the finding
with the reason the tests are no longer needed.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import own_steps, runs_elsewhere


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before
    if before is None or change.after is not None:
        return
    job = before.facts
    if not isinstance(job, Job) or TEST not in job.classes:
        return
    if SECURITY in job.classes and not _runs_tests(job):
        return  # a scanner job: security-scan-removed reports it
    tests = [s for s in own_steps(job) if TEST in s.classes]
    if tests and all(runs_elsewhere(s, ctx) for s in tests):
        return  # its test steps moved verbatim into other jobs or workflow files
    pipeline = ctx.head.get(FAMILY, (job.platform, job.pipeline))
    where = f"{job.pipeline}" + ("" if pipeline is not None else " (file removed)")
    yield Hit(
        message=f"test {job.label} was removed from {where}",
        attr="job",
        head_obj=pipeline,
        head_route=("jobs",) if pipeline is not None else None,
        base_route=(),
        before=job.id,
        after=None,
    )


def _runs_tests(job: Job) -> bool:
    return any(TEST in s.classes for s in job.steps)


RULE = Rule(
    code="CI002",
    name="test-job-removed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed"}),
)
