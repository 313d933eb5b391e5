"""Tests that ran during the image build were removed.

## What it does
Recognises test commands in `RUN` steps with the same patterns as the CI rules (`pytest`,
`go test`, `npm test`, `mvn test`, …) and reports a stage that loses one, or a stage that ran
tests removed from a Dockerfile that stays.

## Why is this bad?
A test stage (`FROM build AS test` / `RUN pytest`) is often the only place some tests run, and
`docker build --target test` in CI depends on it. Removing it drops those tests silently.

## Example
```dockerfile
# base                         # head
FROM build AS test             (stage removed)
RUN pytest -q
```

## How to resolve
Keep the tests (in the Dockerfile or in a CI job), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.commands import line_route, test_runs
from regress.kinds.dockerfile.model import FAMILY, StageFacts
from regress.model import Change, Status
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.dockerfile import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before
    if before is None or not isinstance(before.facts, StageFacts):
        return
    old = test_runs(before.facts.stage)
    if not old:
        return
    if change.status is Status.REMOVED:
        path = before.key[0]
        if not ctx.head.of_type(FAMILY, "image") or ctx.head.get(FAMILY, (path,)) is None:
            return  # the whole Dockerfile went away
        yield Hit(
            message=f"{before.label} removed; it ran tests: {', '.join(sorted(old))}",
            attr="tests",
            base_route=line_route(min(old.values())),
        )
        return
    after = change.after
    if after is None or not isinstance(after.facts, StageFacts):
        return
    new = test_runs(after.facts.stage)
    gone = sorted(set(old) - set(new))
    if gone:
        yield Hit(
            message=f"{after.label}: test commands removed: {', '.join(gone)}",
            attr="tests",
            head_route=("from",),
            base_route=line_route(old[gone[0]]),
        )


RULE = Rule(
    code="DF012",
    name="image-tests-removed",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
