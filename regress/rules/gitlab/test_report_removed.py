r"""A GitLab job stopped reporting test results or coverage.

## What it does
Reports a job that keeps running but no longer publishes `artifacts:reports:junit`,
`coverage_report` (or the older `cobertura`), `codequality`, or its `coverage:` regex.

## Why is this bad?
Without the JUnit report failed tests vanish from the merge request widget and test history;
without the coverage regex or report, coverage is no longer shown — and a coverage-check approval
rule has nothing to compare.

## Example
```yaml
# base                             # head
unit:                              unit:
  script: [pytest --junitxml=r.xml]  script: [pytest --junitxml=r.xml]
  coverage: '/TOTAL.*\s(\d+)%/'
  artifacts:
    reports:
      junit: r.xml
```

## How to resolve
Keep publishing the reports, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS

#: Report keys whose loss drops a signal (docs "artifacts:reports").
WATCHED = ("junit", "coverage_report", "cobertura", "codequality")


def _reports(body: Mapping[str, Any]) -> set[str]:
    artifacts = body.get("artifacts")
    reports = artifacts.get("reports") if isinstance(artifacts, Mapping) else None
    return {str(k) for k in reports if str(k) in WATCHED} if isinstance(reports, Mapping) else set()


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    if not isinstance(change.before.facts, Job) or not isinstance(change.after.facts, Job):
        return
    job = change.after.facts
    body_b, body_a = change.before.body, change.after.body
    lost = sorted(_reports(body_b) - _reports(body_a))
    if "coverage_report" in lost and "cobertura" in _reports(body_a):
        lost.remove("coverage_report")
    if "cobertura" in lost and "coverage_report" in _reports(body_a):
        lost.remove("cobertura")
    for key in lost:
        yield Hit(
            message=f"{job.label} in {job.pipeline} no longer publishes its {key} report (artifacts:reports:{key})",
            attr=f"artifacts.reports.{key}",
            head_route=("artifacts",),
            base_route=("artifacts", "reports", key),
            before=key,
            after=None,
        )
    if body_b.get("coverage") is not None and body_a.get("coverage") is None:
        yield Hit(
            message=f"{job.label} in {job.pipeline} no longer extracts coverage (coverage regex removed)",
            attr="coverage",
            head_route=(),
            base_route=("coverage",),
            before=str(body_b.get("coverage")),
            after=None,
        )


RULE = Rule(
    code="GL011",
    name="test-report-artifact-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
