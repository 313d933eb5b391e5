"""Failed tests no longer fail an Azure Pipelines job: the results task stopped enforcing them.

## What it does
A common Azure Pipelines pattern lets the test task continue on error (`continueOnError: true`),
so that `PublishTestResults@2` still runs, and makes the publish task fail the job instead with
`failTaskOnFailedTests: true`. Reports a `PublishTestResults` task whose
`failTaskOnFailedTests` goes from true to false or is removed (its default is false) while a
test task it used to follow still has `continueOnError: true` and no other enforcing
`PublishTestResults` task comes after it in the head.

Silent when the test task fails the job by itself (no `continueOnError`), when another
`PublishTestResults` task after it still has `failTaskOnFailedTests: true`, or when the value is
an expression that cannot be resolved. A publish task removed altogether is a removed test step
(`test-step-removed`).

## Why is this bad?
The test task fails, `continueOnError` turns it into a warning, and the publish task only
uploads the results: the run ends "partially succeeded", the pull-request check passes, and
the failed tests are visible only to someone who opens the Tests tab.

## Example
```yaml
# base                                   # head
- script: pytest --junitxml=junit.xml    - script: pytest --junitxml=junit.xml
  continueOnError: true                    continueOnError: true
- task: PublishTestResults@2             - task: PublishTestResults@2
  condition: succeededOrFailed()           condition: succeededOrFailed()
  inputs:                                  inputs:
    testResultsFiles: junit.xml              testResultsFiles: junit.xml
    failTaskOnFailedTests: true              failTaskOnFailedTests: false
```

## How to resolve
Keep `failTaskOnFailedTests: true`, or drop `continueOnError` from the test task so its own
failure fails the job; or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.azure.tasks import task_name
from regress.kinds.ci.classify import TEST
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.azure import KINDS
from regress.rules.base import Hit, Rule, RuleContext

PUBLISH_TASK = "publishtestresults"
#: PublishTestResults@2 input; "Default: false" (Microsoft Learn, "PublishTestResults@2 - Publish
#: Test Results v2 task", Syntax). Task inputs are matched without regard to case.
FAIL_INPUT = "failtaskonfailedtests"


def _publishes(step: Step) -> bool:
    return step.uses is not None and task_name(step.uses.removeprefix("task:")) == PUBLISH_TASK


def _input_key(step: Step) -> str:
    return next((str(k) for k in step.inputs if str(k).lower() == FAIL_INPUT), "")


def enforcement(step: Step) -> bool | None:
    """Whether a publish task fails on failed tests: True, False, or None when not literal."""
    value: Any = next((v for k, v in step.inputs.items() if str(k).lower() == FAIL_INPUT), False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false", ""):
        return text == "true"
    return None


def _enforced_after(job: Job, step: Step) -> bool:
    """A publish task after ``step`` fails on failed tests (or might: unknown is not a loss)."""
    return any(_publishes(s) and s.index > step.index and enforcement(s) is not False for s in job.steps)


def _ignoring(step: Step) -> bool:
    return TEST in step.classes and not _publishes(step) and step.continue_on_error is True


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    pairs = pair_steps(before, after)
    # Test tasks that ignore their own failure and were held to it by an enforcing publish task
    # in the base, but by none in the head.
    exposed = [
        (sb, sa)
        for sb, sa in pairs
        if sb is not None
        and sa is not None
        and _ignoring(sa)
        and any(_publishes(s) and s.index > sb.index and enforcement(s) is True for s in before.steps)
        and not _enforced_after(after, sa)
    ]
    if not exposed:
        return
    tests = ", ".join(sa.label for _sb, sa in exposed)
    for pb, pa in pairs:
        if pb is None or not _publishes(pb) or enforcement(pb) is not True:
            continue
        if pa is None or enforcement(pa) is not False:
            continue  # a removed publish task is a removed test step (CI003), not reported twice
        if not any(pb.index > sb.index for sb, _sa in exposed):
            continue
        if key := _input_key(pa):
            how, head_route = "has failTaskOnFailedTests: false", (*pa.route, "inputs", key)
        else:
            how, head_route = "no longer sets failTaskOnFailedTests (default false)", pa.route
        yield Hit(
            message=f"failed tests no longer fail {after.label} in {after.pipeline}: "
            f"{pb.label} {how} while {tests} keeps continueOnError: true",
            attr=f"step[{pb.key}].failTaskOnFailedTests",
            head_route=head_route,
            base_route=(*pb.route, "inputs", _input_key(pb)),
            before=True,
            after=False,
        )


RULE = Rule(
    code="AZ008",
    name="test-results-not-enforced",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
