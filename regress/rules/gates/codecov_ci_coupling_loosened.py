"""Codecov no longer waits for CI to pass before reporting.

## What it does
Reports `codecov.require_ci_to_pass` going from true (Codecov's default) to false.

## Why is this bad?
With it off, Codecov posts a passing status computed from partial coverage uploads while CI is
still failing or running, so the coverage check can be green for a build whose tests failed.

## Example
```yaml
# base                         # head
codecov:                       codecov:
  require_ci_to_pass: yes        require_ci_to_pass: no
```

## How to resolve
Keep `require_ci_to_pass` on, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("codecov",)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate) or not isinstance(after, Gate):
        return
    if before.options.get("require_ci_to_pass") is not False and after.options.get("require_ci_to_pass") is False:
        yield Hit(
            message="Codecov no longer requires CI to pass before it reports (require_ci_to_pass: true → false)",
            attr="codecov.require_ci_to_pass",
            head_route=("require_ci_to_pass",),
            base_route=("require_ci_to_pass",),
            before=True,
            after=False,
        )


RULE = Rule(
    code="CV004",
    name="codecov-ci-coupling-loosened",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "codecov"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
