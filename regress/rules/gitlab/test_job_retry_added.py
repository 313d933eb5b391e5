"""A GitLab test job now retries failures, which hides flaky tests.

## What it does
Reports a test job whose `retry` (a count, or `retry: max:`) goes up, including from none. A retry
limited to infrastructure failures (`retry: when:` with only `runner_system_failure`,
`stuck_or_timeout_failure`, `api_failure`, `scheduler_failure`, `data_integrity_failure`…, not
`script_failure` or `always`) does not re-run failing tests and stays silent.

## Why is this bad?
A test that fails once and passes on retry turns the pipeline green: real intermittent bugs are
masked and flakiness grows unnoticed.

## Example
```yaml
# base                        # head
unit:                         unit:
  script: [pytest]              script: [pytest]
                                retry: 2
```

## How to resolve
Quarantine the flaky tests explicitly, retry only on infrastructure failures, or approve the
finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS

#: ``retry:when`` values that re-run a failing script (docs "retry:when"; the default is always).
_SCRIPT = frozenset({"always", "script_failure", "unknown_failure"})


def retries(value: Any) -> int:
    """How many times a failing *script* is retried."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        when = value.get("when", "always")
        reasons = {when} if isinstance(when, str) else {str(w) for w in when} if isinstance(when, list) else {"always"}
        if not reasons & _SCRIPT:
            return 0
        count = value.get("max", 0)
        return count if isinstance(count, int) and not isinstance(count, bool) else 0
    return 0


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    job = change.after.facts
    if not isinstance(job, Job) or not isinstance(change.before.facts, Job) or TEST not in job.classes:
        return
    was, now = retries(change.before.body.get("retry")), retries(change.after.body.get("retry"))
    if now <= was:
        return
    yield Hit(
        message=f"test {job.label} in {job.pipeline} now retries failing runs: retry {was} → {now}",
        attr="retry",
        head_route=("retry",),
        base_route=("retry",) if "retry" in change.before.body else (),
        before=was,
        after=now,
    )


RULE = Rule(
    code="GL021",
    name="test-job-retry-added",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
