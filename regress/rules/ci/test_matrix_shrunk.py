"""A test job's matrix runs fewer combinations than before.

## What it does
Expands the base and head matrices of a test (or scan) job, with `include` and `exclude` applied,
and reports the base combinations that no head combination still runs. Values are compared as
their raw text (`3.10` is not `3.1`); a head entry may carry more axes than the base one; a
pre-release followed by its final release (`3.14-dev` → `3.14`) is the same entry. A matrix that
becomes dynamic (`${{ fromJSON(…) }}`) is reported as unresolvable at low severity, never as
removed; a static matrix replaced by none at all is a shrink to a single run.

## Why is this bad?
Each lost combination is a platform or version the tests no longer cover, while the job still
shows green.

## Example
```yaml
# base                                        # head
matrix:                                       matrix:
  python: ['3.10', '3.11', '3.12', '3.13']      python: ['3.12', '3.13']
```

## How to resolve
Keep the combinations, or approve the finding with the reason (an end-of-life version dropped is
a typical one).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs, kept, shown

_SHOW = 6


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None or before.matrix is None or before.matrix.dynamic:
        return
    if not (before.classes | after.classes) & {TEST, SECURITY}:
        return
    route = ("strategy", "matrix")
    if after.matrix is not None and after.matrix.dynamic:
        yield Hit(
            message=f"the matrix of {after.label} in {after.pipeline} became dynamic: its "
            f"{len(before.matrix.combos)} combinations can no longer be compared offline",
            attr="strategy.matrix.dynamic",
            head_route=route,
            base_route=route,
            before=len(before.matrix.combos),
            after="dynamic",
            severity=Severity.LOW,
        )
        return
    heads = after.matrix.combos if after.matrix is not None else frozenset({()})
    lost = sorted(c for c in before.matrix.combos if not kept(c, heads))
    if not lost:
        return
    listed = "; ".join(shown(c) for c in lost[:_SHOW]) + (f"; … {len(lost) - _SHOW} more" if len(lost) > _SHOW else "")
    yield Hit(
        message=f"the matrix of {after.label} in {after.pipeline} no longer runs {len(lost)} of its "
        f"{len(before.matrix.combos)} combinations: {listed}",
        attr="strategy.matrix",
        head_route=route if after.matrix is not None else (),
        base_route=route,
        before=[shown(c) for c in lost],
        after=None,
        related=callers_related(after),
    )


RULE = Rule(
    code="CI013",
    name="test-matrix-shrunk",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
