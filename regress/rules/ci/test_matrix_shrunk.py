"""A test job's matrix runs fewer combinations than before.

## What it does
Expands the base and head matrices of a test (or scan) job, with `include` and `exclude` applied,
and reports the base combinations that no head combination still runs. Values are compared as
their raw text (`3.10` is not `3.1`); a head entry may carry more axes than the base one; a
pre-release followed by its final release (`3.14-dev` → `3.14`) is the same entry. A matrix that
becomes dynamic (`${{ fromJSON(…) }}`) is reported as unresolvable at low severity, never as
removed; a static matrix replaced by none at all is a shrink to a single run.

Replacements that keep what the matrix covers are silent: a runner image moved on within its
operating system (`macos-11` → `macos-latest`, `windows-2019` → `windows-2022`), and the single
version an axis names bumped to a newer one (`go: [^1]` → `[^1.18]`, `python: ['3.8']` →
`['3.12']`), and a matrix of one combination whose values changed together (`python-version:
3.11, toxenv: py311` → `3.12, py312`). On an axis of several versions, a supported version
replaced by a newer one is a range moved up (`['3.10', '3.12']` → `['3.11', '3.13']`); a
version dropped with nothing newer in its place, or past its end of life, is still reported.
Spellings of the newest release that the setup action resolves alike are one value (`^1`,
`1.x` and `stable` for Go; `latest`, `current` and `node` for Node.js).

Combinations lost because a version in them reached its end of life (Python, Node.js, Go,
Ruby and non-LTS Java releases, and GitHub's retired runner images, from a small table with each
upstream's dates:
`regress/kinds/ci/eol.py`; an axis is read as a runtime by its name, or by the setup action's
version input it feeds, as in `go-version: ${{ matrix.GOVER }}`) are still reported, in a
finding of their own at low severity that names the end-of-life date, so dropping `3.8` after
October 2024 is easy to approve while a supported version dropped in the same change still
stands out.

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
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.eol import EndOfLife, Runtime, end_of_life, runtime_axes, runtime_of
from regress.kinds.ci.model import FAMILY, MATRIX_REF, Job
from regress.model import Change
from regress.rules.base import Hit, Option, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import Combo, callers_related, jobs, kept, remote_call, shown

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


def _eol(combo: Combo, on: dt.date, runtimes: dict[str, Runtime]) -> EndOfLife | None:
    """The first value of the combination that had reached its end of life on ``on``."""
    for axis, value in combo:
        found = end_of_life(axis, value, on, runtimes.get(axis))
        if found is not None:
            return found
    return None


#: A runner label's operating system (``ubuntu-22.04``, ``macos-latest``, ``windows-2019``).
_RUNNER = re.compile(r"(ubuntu|macos|windows)(?:-[\w.]+)*", re.IGNORECASE)
#: A version as a matrix spells it, with an optional range operator (``^1.18``, ``~1.13``, ``1.21.x``).
_VERSION = re.compile(r"(?:[~^]|>=)?v?(\d+(?:\.\d+)*)(?:\.x)?")


def _values(combos: Iterable[Combo]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for combo in combos:
        for axis, value in combo:
            out.setdefault(axis, set()).add(value)
    return out


def _version(value: str) -> tuple[int, ...] | None:
    m = _VERSION.fullmatch(value.strip())
    return tuple(int(p) for p in m.group(1).split(".")) if m else None


#: Spellings of "the newest release" a setup action resolves alike (actions/setup-go: `stable`,
#: and the ranges `^1`, `1.x`; actions/setup-node: `latest`, `current`, `node`).
_NEWEST = {
    Runtime.GO: frozenset({"stable", "^1", "1.x", ">=1", "1", "latest"}),
    Runtime.NODE: frozenset({"latest", "current", "node"}),
}


def bumps(
    base: Iterable[Combo],
    head: Iterable[Combo],
    retired: Callable[[str, str], bool] = lambda axis, value: False,
    runtimes: Mapping[str, Runtime] | None = None,
) -> dict[tuple[str, str], str]:
    """Base values the head replaced with the same thing, newer: ``(axis, base value) → head value``.

    Replacements that keep what a matrix covers:

    - a runner image moved on within its operating system (``macos-11`` → ``macos-latest``;
      GitHub retires images on its own schedule): the lost and gained labels of one system are
      paired, newest with newest;
    - the one version an axis names bumped to newer ones (``go: [^1]`` → ``[^1.18]``,
      ``[1.24.x]`` → ``[1.25.x, 1.26.x]``): the job still tests the current version;
    - on an axis of several versions, a supported version replaced by a newer one (``['3.9',
      '3.12']`` → ``['3.10', '3.13']``: the range moved up), paired newest first. A version
      past its end of life (``retired``) is never paired: dropping it is still reported, at low
      severity (CATALOGUE GA-13), and a version dropped with nothing newer in its place is a
      version no longer tested.
    """
    before, after = _values(base), _values(head)
    out: dict[tuple[str, str], str] = {}
    for axis, old in before.items():
        new = after.get(axis)
        if not new:
            continue
        lost, gained = sorted(old - new, reverse=True), sorted(new - old, reverse=True)
        newest = _NEWEST.get(runtime_of(axis) or (runtimes or {}).get(axis) or Runtime.RUNNER, frozenset())
        was_newest = [v for v in lost if v.strip().lower() in newest]
        now_newest = [v for v in gained if v.strip().lower() in newest]
        if was_newest and now_newest:
            out[(axis, was_newest[0])] = now_newest[0]  # `^1` → `stable`: the same release
        for family in {m.group(1).lower() for v in lost if (m := _RUNNER.fullmatch(v))}:
            mine = [v for v in lost if (m := _RUNNER.fullmatch(v)) and m.group(1).lower() == family]
            theirs = [v for v in gained if (m := _RUNNER.fullmatch(v)) and m.group(1).lower() == family]
            out.update({(axis, b): h for b, h in zip(mine, theirs, strict=False)})
        if len(old) == 1 and lost and gained:
            one, nows = _version(lost[0]), [_version(g) for g in gained]
            if one is not None and all(now is not None and now > one for now in nows):
                out[(axis, lost[0])] = gained[-1]  # the oldest of the versions now named
            continue
        versions = {v: k for v in (*lost, *gained) if (k := _version(v)) is not None}
        free = sorted((g for g in gained if g in versions), key=versions.__getitem__, reverse=True)
        supported = [v for v in lost if v in versions and not retired(axis, v)]
        for value in sorted(supported, key=versions.__getitem__, reverse=True):
            newer = next((g for g in free if versions[g] > versions[value]), None)
            if newer is not None:
                out[(axis, value)] = newer
                free.remove(newer)
    return out


def _listed(items: list[str]) -> str:
    return "; ".join(items[:_SHOW]) + (f"; … {len(items) - _SHOW} more" if len(items) > _SHOW else "")


def _single_run(before: Job, after: Job) -> Combo:
    """The one combination a job without a matrix runs: the runner it names, on the axis the base
    chose its runner by (``runs-on: ${{ matrix.os }}`` → ``runs-on: ubuntu-latest`` keeps the
    Ubuntu entries)."""
    if isinstance(before.runs_on, str) and isinstance(after.runs_on, str) and "${{" not in after.runs_on:
        m = MATRIX_REF.fullmatch(before.runs_on.strip())
        if m:
            return ((m.group(1), after.runs_on.strip()),)
    return ()


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None or before.matrix is None or before.matrix.dynamic:
        return
    if not (before.classes | after.classes) & {TEST, SECURITY}:
        return
    if remote_call(after) is not None and after.matrix is None:
        return  # its work moved into another repository's workflow: test-step-removed says so
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
    heads = after.matrix.combos if after.matrix is not None else frozenset({_single_run(before, after)})
    if len(before.matrix.combos) == 1 and after.matrix is not None and heads:
        return  # one set-up then, at least one now: its values moved together (3.11/py311 → 3.12/py312)
    on = as_of(ctx)
    runtimes = runtime_axes((*before.steps, *after.steps))
    moved = bumps(
        before.matrix.combos,
        heads,
        lambda axis, value: end_of_life(axis, value, on, runtimes.get(axis)) is not None,
        runtimes,
    )
    lost = sorted(
        c
        for c in before.matrix.combos
        if not kept(c, heads) and not (moved and kept(tuple((a, moved.get((a, v), v)) for a, v in c), heads))
    )
    if not lost:
        return
    retired = {c: e for c in lost if (e := _eol(c, on, runtimes)) is not None}
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
