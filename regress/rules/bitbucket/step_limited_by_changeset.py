"""A Bitbucket test step now runs only when certain paths change.

## What it does
Reports a test or scan step that gains `condition: changesets: includePaths`, or whose
`includePaths` lose entries, so it is skipped for changes outside those paths.

## Why is this bad?
A change outside the listed paths — a shared library, a build file, the pipeline itself — can
break what the tests cover, and the step never runs to notice.

## Example
```yaml
# base                     # head
- step:                    - step:
    name: Test                 name: Test
    script: [pytest]           script: [pytest]
                               condition:
                                 changesets:
                                   includePaths: ["src/core/**"]
```

## How to resolve
Run the step on every change, or approve the finding with the reason.

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
from regress.rules.bitbucket import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job) or not before.classes & {TEST, SECURITY}:
        return
    was, now = before.extra.get("changesets"), after.extra.get("changesets")
    if now is None:
        return
    dropped = sorted(set(was) - set(now)) if was is not None else None
    if was is not None and not dropped:
        return
    what = "test" if TEST in before.classes else "scan"
    detail = "" if dropped is None else f" (no longer: {', '.join(dropped)})"
    yield Hit(
        message=f"{what} step {after.id!r} in {after.pipeline} now runs only when {', '.join(now)} change{detail}",
        attr="condition.changesets",
        head_route=("step", "condition"),
        base_route=("step", "condition") if was is not None else ("step",),
        before=list(was) if was is not None else None,
        after=list(now),
        category=Category.TESTS if what == "test" else Category.SECURITY,
    )


RULE = Rule(
    code="BB003",
    name="step-limited-by-changeset",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
