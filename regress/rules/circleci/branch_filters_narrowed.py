"""A CircleCI test job's branch filters leave out feature branches, or a deploy job's let them in.

## What it does
Compares which branches each scheduled job runs on, from its workflow entry's `filters` (and
scheduled-only workflows): a test or scan job that ran on every branch (or branches matching a
pattern) and now runs only on named branches such as `main` no longer checks pull requests; a
deploy job that ran only on named branches and now runs on feature branches deploys unreviewed
code.

## Why is this bad?
CircleCI builds pull requests from branch pushes: `filters: {branches: {only: main}}` on the test
job means the tests run after merge, not before; `ignore: []` on a deploy job ships any branch.

## Example
```yaml
# base                 # head
- test                 - test:
                           filters: {branches: {only: main}}
```

## How to resolve
Keep tests on all branches and deploys on protected ones, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY, SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.circleci.filters import REACH_ORDER, describe
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.circleci import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    was, now = str(before.extra.get("branches", "all")), str(after.extra.get("branches", "all"))
    shown = describe(after.extra.get("filters"))
    if before.classes & {TEST, SECURITY} and REACH_ORDER[now] < REACH_ORDER[was]:
        what = "test" if TEST in before.classes else "scan"
        reach = "no feature branch" if now == "none" else "only some feature branches"
        yield Hit(
            message=f"{what} {after.label} in {after.pipeline} now runs on {reach} ({shown}): pull requests "
            "are no longer checked by it",
            attr="filters.branches",
            head_route=("invocation", "filters"),
            base_route=("invocation", "filters") if before.extra.get("filters") else ("invocation",),
            before=was,
            after=now,
            severity=Severity.HIGH if now == "none" else Severity.MEDIUM,
            category=Category.TESTS if what == "test" else Category.SECURITY,
        )
    elif DEPLOY in before.classes and was == "none" and now != "none":
        yield Hit(
            message=f"deploy {after.label} in {after.pipeline} now runs from feature branches ({shown})",
            attr="filters.branches",
            head_route=("invocation", "filters") if after.extra.get("filters") else ("invocation",),
            base_route=("invocation", "filters"),
            before=was,
            after=now,
            severity=Severity.HIGH,
            category=Category.SECURITY,
        )


RULE = Rule(
    code="CC003",
    name="branch-filters-narrowed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
