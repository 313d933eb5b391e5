"""A Bitbucket test step no longer runs for pull requests or feature branches.

## What it does
Tracks in which pipelines each step runs — `default` (every branch push without a branch pipeline
of its own), `pull-requests:<glob>`, `branches:<glob>` with a wildcard (feature branches) are
*before merge*; named long-lived branches (`main`, `develop`, `release`), `tags:` and `custom:`
are not — and reports a test or scan step that ran before merge and now runs only after it, for
example when the `pull-requests:` section is removed and only `branches: main` keeps the step.

## Why is this bad?
The tests then check `main` after the merge instead of the pull request before it: a broken
change is merged first and found later.

## Example
```yaml
# base                              # head
pipelines:                          pipelines:
  pull-requests:                      branches:
    '**': [{step: *test}]               main: [{step: *test}, {step: *deploy}]
  branches:
    main: [{step: *test}, {step: *deploy}]
```

## How to resolve
Keep a pull-request (or default) pipeline that runs the step, or approve the finding with the
reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.bitbucket.handler import pre_merge
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.bitbucket import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job) or not before.classes & {TEST, SECURITY}:
        return
    was = [s for s in before.extra.get("selectors", ()) if pre_merge(s)]
    now = [s for s in after.extra.get("selectors", ()) if pre_merge(s)]
    if not was or now:
        return
    what = "test" if TEST in before.classes else "scan"
    left = ", ".join(after.extra.get("selectors", ())) or "no pipeline"
    yield Hit(
        message=f"{what} step {after.id!r} in {after.pipeline} no longer runs before merge ({', '.join(was)}); "
        f"it now runs only in: {left}",
        attr="step.selectors",
        head_route=("step",),
        base_route=("step",),
        before=was,
        after=list(after.extra.get("selectors", ())),
        category=Category.TESTS if what == "test" else Category.SECURITY,
    )


RULE = Rule(
    code="BB001",
    name="pull-request-pipeline-removed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
