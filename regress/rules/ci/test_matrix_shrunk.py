"""A test job's matrix runs fewer combinations than before.

## What it does
Expands the base and head matrices of a test (or scan) job, with `include` and `exclude` applied,
and reports the base combinations that no head combination still runs. Values are compared as
their raw text (`3.10` is not `3.1`); a head entry may carry more axes than the base one; a
pre-release followed by its final release (`3.14-dev` → `3.14`) is the same entry. A matrix that
becomes dynamic (`${{ fromJSON(…) }}`) is reported as unresolvable at low severity, never as
removed; a static matrix replaced by none at all is a shrink to a single run.

Combinations lost because a version in them reached its end of life (Python, Node.js, Go,
Ruby and non-LTS Java releases, from a small table with each upstream's dates:
`regress/kinds/ci/eol.py`) are still reported, in a finding of their own at low severity that
names the end-of-life date, so dropping `3.8` after October 2024 is easy to approve while a
supported version dropped in the same change still stands out.

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
- `as-of` (default: the day regress runs): the date, `YYYY-MM-DD`, on which end of life is
  judged; set it to make a run reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.eol import EndOfLife, end_of_life
from regress.kinds.ci.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Option, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import Combo, callers_related, jobs, kept, shown

_SHOW = 6


def as_of(ctx: RuleContext) -> dt.date:
    value = ctx.option("as-of")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    return dt.date.today()


def _eol(combo: Combo, on: dt.date) -> EndOfLife | None:
    """The first value of the combination that had reached its end of life on ``on``."""
    for axis, value in combo:
        found = end_of_life(axis, value, on)
        if found is not None:
            return found
    return None


def _listed(items: list[str]) -> str:
    return "; ".join(items[:_SHOW]) + (f"; … {len(items) - _SHOW} more" if len(items) > _SHOW else "")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
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
    on = as_of(ctx)
    retired = {c: e for c in lost if (e := _eol(c, on)) is not None}
    supported = [c for c in lost if c not in retired]
    total = len(before.matrix.combos)
    head_route = route if after.matrix is not None else ()
    if supported:
        yield Hit(
            message=f"the matrix of {after.label} in {after.pipeline} no longer runs {len(supported)} of its "
            f"{total} combinations: {_listed([shown(c) for c in supported])}",
            attr="strategy.matrix",
            head_route=head_route,
            base_route=route,
            before=[shown(c) for c in supported],
            after=None,
            related=callers_related(after),
        )
    if retired:
        yield Hit(
            message=f"the matrix of {after.label} in {after.pipeline} no longer runs {len(retired)} of its "
            f"{total} combinations, with versions past their end of life: "
            f"{_listed([f'{shown(c)} ({e})' for c, e in retired.items()])}",
            attr="strategy.matrix.end-of-life",
            head_route=head_route,
            base_route=route,
            before=[shown(c) for c in retired],
            after=None,
            severity=Severity.LOW,
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
    options=(
        Option(
            "as-of",
            None,
            "the date (YYYY-MM-DD) on which end of life is judged; default: the day regress runs",
        ),
    ),
)
