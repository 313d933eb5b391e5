"""Test or coverage results are no longer published.

## What it does
Reports a step that published test results — `EnricoMi/publish-unit-test-result-action`,
`dorny/test-reporter`, `mikepenz/action-junit-report`, or `actions/upload-artifact` of JUnit,
test-result or coverage reports (CATALOGUE.md Signals S5) — removed from a job that is still
there, unless the same step runs elsewhere in the head.

## Why is this bad?
Failures lose their per-test annotations and history: flaky tests, slow tests and which test
broke stop being visible to reviewers.

## Example
```yaml
# base                                                   # head
- uses: EnricoMi/publish-unit-test-result-action@v2      (step removed)
  if: always()
  with: {files: 'reports/**/*.xml'}
```

## How to resolve
Keep the step, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import REPORT
from regress.kinds.ci.model import FAMILY, Step
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs, lost_steps

_REPORT_PATH = re.compile(r"junit|test[-_]?results?|test[-_]?reports?|surefire|coverage|\.trx\b|report\.xml", re.I)


def reports(step: Step) -> bool:
    if REPORT in step.classes:
        return True
    if (step.uses or "").lower() == "actions/upload-artifact":
        text = " ".join(str(step.inputs.get(k, "")) for k in ("name", "path"))
        return bool(_REPORT_PATH.search(text))
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None:
        return
    for step in lost_steps(before, after, ctx, reports):
        yield Hit(
            message=f"{step.label}, which published test results, was removed from {after.label} in {after.pipeline}",
            attr=f"report[{step.key}]",
            head_route=step.route[:-1],
            base_route=step.route,
            before=step.uses,
            after=None,
            related=callers_related(after),
        )


RULE = Rule(
    code="CI041",
    name="test-reporting-removed",
    category=Category.MONITORING,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
