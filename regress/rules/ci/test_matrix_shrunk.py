"""A test job's matrix runs fewer combinations than before.

## What it does
Expands the base and head matrices of a test (or scan) job, with `exclude` and then `include`
applied as GitHub documents them (an `include` entry whose keys change no original value of a
combination extends it, one that fits none is a combination of its own), and reports the base
combinations that no head combination still runs. Values are compared as
their raw text (`3.10` is not `3.1`); a head entry may carry more axes than the base one; a
pre-release followed by its final release (`3.14-dev` → `3.14`, `3.12.0-beta.3 - 3.12` → `3.12`)
is the same entry. The fields of a mapping value are axes of their own (`config: [{go: …, os: …}]`
has `config.go` and `config.os`), and an axis that feeds the same action input (a setup action's
version, `arch` of a toolchain action), or `runs-on`, on both sides is one axis whatever it is
called; a value the head passes to that input itself (`go-version: stable`, `arch: x64`) is the
value every head entry has. A key the head matrix no
longer has reads as null, as in the workflow: a base entry where it was `false` or empty still
runs, and so does one whose key the job read only in its `continue-on-error` (an `experimental:
true` entry that became a blocking one), or only in its steps' `if:` (`group: [check_release,
link_check]` picking which steps an entry runs) and no longer reads at all: the head's run runs
the steps it keeps, and a test step it dropped is `test-step-removed`'s. On GitHub Actions, an axis
the job read only where it cannot change what runs (a display name, a cache key, an artifact's
name) names no platform or version: entries that differ only in it ran the
same steps, and any head run still runs them. A key that only some
entries carry on both sides (`disable_tests` beside the `msystem` every entry names) tunes an
entry: an entry where it is set to another value still runs; so does one where a key an
`include` entry added to a matrix's own combinations (`target-prefix`, `c-lapack-flags` beside
`msystem: [CLANG64, MINGW32]`) changed or went away, unless its value names a version or a
runner, or it feeds a setup input or `runs-on`. A matrix that becomes dynamic
(`${{ fromJSON(…) }}`) is reported as unresolvable at low severity, never as removed; a static
matrix replaced by none at all is a shrink to a single run.

Replacements that keep what the matrix covers are silent: a runner image moved on within its
operating system (`macos-11` → `macos-latest`, `windows-2019` → `windows-2022`), and the single
version an axis names bumped to a newer one (`go: [^1]` → `[^1.18]`, `python: ['3.8']` →
`['3.12']`) or to several, the development branch among them (`reference: [9.x]` → `[10.x,
master]`: an entry of the old release runs with any of them; the branch alone is no release),
a version spelled more precisely on the same release line (`3.11` → `3.11.13`), and
a matrix of one combination whose values changed together (`python-version: 3.11, toxenv: py311`
→ `3.12, py312`). On an axis of several versions, a supported version replaced by a newer one
of its family is a range moved up (`['3.10', '3.12']` → `['3.11', '3.13']`, `pypy-3.9` →
`pypy-3.10`, `clang-14` → `clang-18`); a version dropped with nothing newer of its family in its
place, or past its end of life, is still reported.
Spellings of the newest release that the setup action resolves alike are one value (`^1`,
`1.x` and `stable` for Go; `latest`, `current` and `node` for Node.js).

Combinations lost because a version in them reached its end of life (Python, Node.js, Go,
Ruby, PHP and non-LTS Java releases, GitHub's retired runner images, and the Debian, Ubuntu
(LTS and interim), CentOS and Fedora releases a container image names, such as
`debian:stretch-slim`, `ubuntu:22.10` or `fedora:38`, from a small table with each upstream's
dates:
`regress/kinds/ci/eol.py`; an axis is read as a runtime by its name, or by the setup action's
version input it feeds, as in `go-version: ${{ matrix.GOVER }}` or `php-version: ${{ matrix.php
}}`, and a tox environment axis by the Python its name gives, as `py37`; GCC and LLVM/Clang
releases are read from an axis named `gcc` or `clang`, a value naming the compiler with its
version (`gcc-9`, `clang-12`, `gcc:8`), or an axis the job hands to a compiler as its version
(`CC: gcc-${{ matrix.ver }}`, `container: gcc:${{ matrix.ver }}`, `llvm.sh ${{ matrix.ver }}`),
never from a bare number alone, which may as well be a language standard) are still reported, in a
finding of their own at low severity that names the end-of-life date, so dropping `3.8` after
October 2024 is easy to approve while a supported version dropped in the same change still
stands out. A retired value is why a combination was lost when the head no longer names it on
its axis, or still runs the rest of the combination without it (a `criu: criu-dev` entry moved
from Go 1.17 to Go 1.20); one the head still runs beside what it dropped (`windows-2019` kept
while `arch: x86` is dropped) is not, and that combination is reported at medium.

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
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.eol import (
    EndOfLife,
    Runtime,
    compiler_axes,
    end_of_life,
    named_lines,
    runtime_axes,
    runtime_of,
)
from regress.kinds.ci.model import FAMILY, Job, Matrix, texts
from regress.model import Change
from regress.rules.base import Hit, Option, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import Combo, callers_related, jobs, kept, listed_text, natural, remote_call, shown
from regress.rules.ci.matrix_axes import align, feeds

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
    return today()


def today() -> dt.date:
    """The day end-of-life dates are judged on when no ``as-of`` is set: the day of the run."""
    return dt.date.today()


def _eol(
    combo: Combo,
    on: dt.date,
    runtimes: dict[str, Runtime],
    still: Mapping[str, set[str]],
    runs: Callable[[Combo], bool],
) -> EndOfLife | None:
    """The first value of the combination that had reached its end of life on ``on`` and is why
    the combination was lost: the head no longer names it on its axis, or the rest of the
    combination still runs without it (a ``criu-dev`` entry moved from Go 1.17 to Go 1.20). A
    retired value the head still runs beside what it dropped (``windows-2019`` kept while
    ``arch: x86`` is dropped) is not."""
    for axis, value in combo:
        found = end_of_life(axis, value, on, runtimes.get(axis))
        if found is None:
            continue
        if found.factor:
            # Read from one factor of a longer name (``check-py39-pandas10``): the reason only
            # when no head value on the axis names that release any more (``check-py39-nose``
            # still runs Python 3.9, so what was dropped is pandas 1.0).
            named = (found.runtime, found.version)
            if not any(named in named_lines(v) for v in still.get(axis, ())):
                return found
            continue
        if value not in still.get(axis, ()) or runs(tuple(p for p in combo if p[0] != axis)):
            return found
    return None


#: A runner label's operating system (``ubuntu-22.04``, ``macos-latest``, ``windows-2019``).
_RUNNER = re.compile(r"(ubuntu|macos|windows)(?:-[\w.]+)*", re.IGNORECASE)
#: A version as a matrix spells it, with an optional range operator (``^1.18``, ``~1.13``, ``1.21.x``).
_VERSION = re.compile(r"(?:[~^]|>=)?v?(\d+(?:\.\d+)*)(?:\.x)?")
#: A version named after what it versions (``pypy-3.10``, ``pypy3.9``, ``pypy-3.10-v7.3.17``,
#: ``clang-19``, ``gcc-13``, ``fedora/39-cloud-base``): the name is its family, the first number
#: its version, and what follows (a PyPy release, an image variant) does not order it.
_NAMED = re.compile(r"(?P<family>[A-Za-z][A-Za-z+_]*)[-_/]?v?(?P<version>\d+(?:\.\d+)*)(?:[^\d.].*)?")


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

#: Names of a project's development branch, newer than any release it names beside them
#: (``reference: [10.x, master]``).
_TIPS = frozenset({"master", "main", "trunk", "dev", "develop", "head", "nightly"})

#: A versioned value: its family ("" for a bare version) and its version.
_Key = tuple[str, tuple[int, ...]]


def _key(value: str, newest: frozenset[str]) -> _Key | None:
    """The family and version of a value, or None for what has no order among its neighbours: a
    spelling of the newest release (``1.x`` is not version 1, older than ``1.22``) and a runner
    label (paired by operating system instead)."""
    text = value.strip()
    if text.lower() in newest or _RUNNER.fullmatch(text):
        return None
    plain = _version(text)
    if plain is not None:
        return ("", plain)
    m = _NAMED.fullmatch(text)
    if m is None:
        return None
    return (m.group("family").lower(), tuple(int(p) for p in m.group("version").split(".")))


def _runner_family(label: str) -> tuple[str, bool] | None:
    """A runner label's operating system, and whether it is an Arm image (``ubuntu-24.04-arm``,
    ``windows-11-arm``: GitHub's Arm runners are named by that suffix), so an x64 image is not
    taken as moved on to an Arm one."""
    m = _RUNNER.fullmatch(label.strip())
    return (m.group(1).lower(), label.strip().lower().endswith("-arm")) if m else None


def _same_line(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """One release line, one spelling more precise than the other (``3.11`` and ``3.11.13``)."""
    return a[: len(b)] == b or b[: len(a)] == a


def bumps(
    base: Iterable[Combo],
    head: Iterable[Combo],
    retired: Callable[[str, str], bool] = lambda axis, value: False,
    runtimes: Mapping[str, Runtime] | None = None,
) -> dict[tuple[str, str], tuple[str, ...]]:
    """Base values the head replaced with the same thing, newer: ``(axis, base value) → head
    values`` (one, or each of the several versions a single one became).

    Replacements that keep what a matrix covers:

    - a spelling of the newest release replaced by another (``^1`` → ``stable``);
    - a runner image moved on within its operating system and architecture (``macos-11`` →
      ``macos-latest``; GitHub retires images on its own schedule): the lost and gained labels of
      one system are paired, newest with newest;
    - a version spelled more or less precisely on the same release line (``3.11`` →
      ``3.11.13``): the job still tests that release, whatever its end of life;
    - the one version an axis names bumped to newer ones (``go: [^1]`` → ``[^1.18]``,
      ``[1.24.x]`` → ``[1.25.x, 1.26.x]``), the development branch among them (``reference:
      [9.x]`` → ``[10.x, master]``): the job still tests the current version, and an entry of
      the old one runs with any of them;
    - on an axis of several versions, a supported version replaced by a newer one of its family
      (``['3.9', '3.12']`` → ``['3.10', '3.13']``, ``pypy-3.8`` → ``pypy-3.10``, ``clang-10`` →
      ``clang-14``: the range moved up), paired newest first. A version past its end of life
      (``retired``) is never paired: dropping it is still reported, at low severity (CATALOGUE
      GA-13), and a version dropped with nothing newer in its place is a version no longer
      tested.
    """
    before, after = _values(base), _values(head)
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for axis, old in before.items():
        new = after.get(axis)
        if not new:
            continue
        lost, gained = sorted(old - new, reverse=True), sorted(new - old, reverse=True)
        newest = _NEWEST.get(runtime_of(axis) or (runtimes or {}).get(axis) or Runtime.RUNNER, frozenset())
        was_newest = [v for v in lost if v.strip().lower() in newest]
        now_newest = [v for v in gained if v.strip().lower() in newest]
        if was_newest and now_newest:
            out[(axis, was_newest[0])] = (now_newest[0],)  # `^1` → `stable`: the same release
        for system in {f for v in lost if (f := _runner_family(v)) is not None}:
            mine = [v for v in lost if _runner_family(v) == system]
            theirs = [v for v in gained if _runner_family(v) == system]
            out.update({(axis, b): (h,) for b, h in zip(mine, theirs, strict=False)})
        keys = {v: k for v in (*lost, *gained) if (k := _key(v, newest)) is not None}
        free = sorted((g for g in gained if g in keys), key=keys.__getitem__, reverse=True)
        for value in lost:
            line = next(
                (
                    g
                    for g in free
                    if value in keys and keys[g][0] == keys[value][0] and _same_line(keys[g][1], keys[value][1])
                ),
                None,
            )
            if line is not None:
                out[(axis, value)] = (line,)
                free.remove(line)
        if len(old) == 1 and lost and gained:
            one = _version(lost[0])
            nows = [_version(g) for g in gained if g.strip().lower() not in _TIPS]
            if (
                (axis, lost[0]) not in out
                and one is not None
                and nows
                and all(now is not None and now > one for now in nows)
            ):
                # the oldest of the versions now named first, the development branch last
                out[(axis, lost[0])] = tuple(sorted(gained, key=lambda g: (g.strip().lower() in _TIPS, _version(g))))
            continue
        supported = [v for v in lost if v in keys and (axis, v) not in out and not retired(axis, v)]
        for value in sorted(supported, key=keys.__getitem__, reverse=True):
            family, version = keys[value]
            newer = next((g for g in free if keys[g][0] == family and keys[g][1] > version), None)
            if newer is not None:
                out[(axis, value)] = (newer,)
                free.remove(newer)
    return out


def _in_order(combo: Combo) -> tuple[tuple[str, tuple[tuple[int, int, str], ...]], ...]:
    """Combinations in the order a reader counts them: numbers in values compare as numbers, so
    `ver=9` comes before `ver=10` and Python 3.9 before 3.10."""
    return tuple((axis, natural(str(value))) for axis, value in combo)


#: Values that read as a missing matrix key does: GitHub's expressions give an absent key null,
#: which compares equal to false and '' and renders as '' ("Expressions": operators, coercion).
_NULL = frozenset({"", "false", "null"})


#: ``matrix`` read whole (``toJSON(matrix)``, ``matrix[name]``): any axis may be read through it.
_WHOLE_MATRIX = re.compile(r"\bmatrix\b(?!\.[A-Za-z_])")


def _read_only_in(axes: Iterable[str], inside: Iterable[str], outside: Iterable[str]) -> frozenset[str]:
    """The axes some text of ``inside`` reads (``matrix.AXIS``) and no text of ``outside`` does."""
    inside, outside = list(inside), list(outside)
    found = set()
    for axis in axes:
        read = re.compile(rf"\bmatrix\.{re.escape(axis)}(?![\w-])")
        if any(read.search(t) for t in inside) and not any(read.search(t) for t in outside):
            found.add(axis)
    return frozenset(found)


def tolerance_axes(body: Any, axes: Iterable[str]) -> frozenset[str]:
    """The axes a GitHub Actions job reads only in its job-level ``continue-on-error``
    (``continue-on-error: ${{ matrix.experimental }}``): they decide whether an entry's failure
    fails the run, not what the entry runs, so an entry that lost such a key still runs what it
    ran, and blocks now. Any other read of the axis, or of the whole matrix, keeps it."""
    if not isinstance(body, Mapping):
        return frozenset()
    tolerance = body.get("continue-on-error")
    if not isinstance(tolerance, str):
        return frozenset()
    rest = [t for k, v in body.items() if k not in ("strategy", "continue-on-error") for t in texts(v, keys=True)]
    if any(_WHOLE_MATRIX.search(t) for t in rest):
        return frozenset()
    return _read_only_in(axes, [tolerance], rest)


def selector_axes(body: Any, axes: Iterable[str], head: Any) -> frozenset[str]:
    """The axes a GitHub Actions job reads only in its steps' ``if:`` (``group: [check_release,
    link_check]`` with ``if: matrix.group == 'link_check'`` on one step): they share the job's
    steps out between parallel entries rather than name a platform or version the tests run on,
    so an entry that lost such a key is the job's one run, and a step it no longer runs is a step
    removed (``test-step-removed``), not a combination lost. Any other read of the axis, or of the
    whole matrix, keeps it, and so does a read of it left in the ``head`` job (a step still gated
    on a value no entry has now never runs)."""
    steps = body.get("steps") if isinstance(body, Mapping) else None
    if not isinstance(steps, list):
        return frozenset()
    conditions = [str(step["if"]) for step in steps if isinstance(step, Mapping) and "if" in step]
    rest = [t for k, v in body.items() if k not in ("strategy", "steps") for t in texts(v, keys=True)]
    for step in steps:
        if isinstance(step, Mapping):
            rest += [t for k, v in step.items() if k != "if" for t in texts(v, keys=True)]
    if any(_WHOLE_MATRIX.search(t) for t in (*rest, *conditions)):
        return frozenset()
    return _read_only_in(axes, conditions, (*rest, *texts(head, keys=True)))


#: Actions whose inputs only name what a run stores (``actions/cache``'s key, an artifact's name):
#: a matrix value read there labels the entry's cache or artifact, not what it runs.
_LABEL_INPUTS = {
    "actions/cache": frozenset({"key", "restore-keys"}),
    "actions/cache/restore": frozenset({"key", "restore-keys"}),
    "actions/cache/save": frozenset({"key"}),
    "actions/upload-artifact": frozenset({"name"}),
}


def _run_texts(body: Mapping[str, Any]) -> list[str]:
    """The texts of a GitHub Actions job that can change what a run does: all of it but the
    matrix itself, the job's and its steps' display names and the inputs in ``_LABEL_INPUTS``."""
    out = [t for k, v in body.items() if k not in ("strategy", "name", "steps") for t in texts(v, keys=True)]
    steps = body.get("steps")
    for step in steps if isinstance(steps, list) else ():
        if not isinstance(step, Mapping):
            out.extend(texts(step, keys=True))
            continue
        uses = str(step.get("uses", "")).split("@", 1)[0].lower()
        labels = _LABEL_INPUTS.get(uses, frozenset())
        for k, v in step.items():
            if k == "name":
                continue
            if k == "with" and isinstance(v, Mapping):
                out.extend(
                    t for name, value in v.items() if name not in labels for t in texts({name: value}, keys=True)
                )
            else:
                out.extend(texts(v, keys=True))
    return out


def label_axes(job: Job, body: Any, axes: Iterable[str]) -> frozenset[str]:
    """The axes a GitHub Actions job reads only in a display name, a cache key or an artifact's
    name (``task: [check-py37-cover, …]`` that only keys the cache of a job whose steps run the
    same command for every entry). GitHub hands matrix values to a job only through ``${{
    matrix.… }}`` (no environment variable carries them: "Contexts", ``matrix``), so entries
    that differ only in such axes run the same thing, and a head that runs the job at all still
    runs them. The steps of local composite actions inlined into the job count as reads; an axis
    the job never names at all is left alone (it may be read where regress does not look)."""
    if not isinstance(body, Mapping):
        return frozenset()
    rest = _run_texts(body)
    for step in job.steps:
        if step.via is not None:
            rest.extend(texts([step.run, dict(step.inputs), dict(step.env), step.condition], keys=True))
    everything = [t for k, v in body.items() if k != "strategy" for t in texts(v, keys=True)]
    if any(_WHOLE_MATRIX.search(t) for t in (*rest, *everything)):
        return frozenset()
    return _read_only_in(axes, everything, rest)


def settings_axes(base: Iterable[Combo], head: Iterable[Combo], picks: Iterable[str] = ()) -> frozenset[str]:
    """Keys that only some entries carry, in the base and in the head alike (an include entry's
    ``disable_tests`` beside the ``msystem`` every entry names): they tune an entry rather than
    name it. ``picks`` are left out: keys that choose what the entry runs on (the runner, an
    action's input such as a toolchain, a runtime's version) name it wherever they appear."""

    def partial(combos: Iterable[Combo]) -> set[str]:
        entries = list(combos)
        counts: dict[str, int] = {}
        for c in entries:
            for a, _ in c:
                counts[a] = counts.get(a, 0) + 1
        return {a for a, n in counts.items() if n < len(entries)}

    return frozenset(partial(base) & partial(head)) - frozenset(picks)


def extra_keys(matrix: Matrix, picks: Iterable[str] = ()) -> frozenset[str]:
    """Keys an ``include`` entry added to entries of a matrix that has axes of its own
    (``target-prefix``, ``c-lapack-flags`` beside ``msystem: [MINGW64, CLANG64]``): they set an
    entry up rather than name it (GitHub, "Expanding or adding matrix configurations": such a
    key is added to the combinations whose original values it does not change). ``picks`` are
    left out: keys that choose what the entry runs on name it wherever they appear."""
    if not matrix.axes:
        return frozenset()
    return frozenset({a for c in matrix.combos for a, _ in c} - matrix.axes - set(picks))


def _tunes(value: str) -> bool:
    """A value that can tune an entry: set, and no version or runner label (a version changed is
    another entry, not the same one tuned)."""
    text = value.strip()
    return text.lower() not in _NULL and _key(text, frozenset()) is None and not _RUNNER.fullmatch(text)


def _retuned(present: Combo, heads: frozenset[Combo], settings: frozenset[str]) -> bool:
    """Some head entry has the base entry's values on every other key, and each of its
    ``settings`` still set, to another value: the entry still runs, tuned otherwise."""
    tuned = [(a, v) for a, v in present if a in settings]
    if not tuned or not all(_tunes(v) for _, v in tuned):
        return False
    rest = tuple((a, v) for a, v in present if a not in settings)
    for h in heads:
        hd = dict(h)
        if kept(rest, (h,)) and all(_tunes(hd.get(a, "")) for a, _ in tuned):
            return True
    return False


def _runs(
    combo: Combo,
    heads: frozenset[Combo],
    moved: Mapping[tuple[str, str], tuple[str, ...]],
    tolerance: frozenset[str] = frozenset(),
    settings: frozenset[str] = frozenset(),
    labels: frozenset[str] = frozenset(),
    extras: frozenset[str] = frozenset(),
) -> bool:
    """Some head entry still runs the base entry: as it is, or with its values moved on, or with
    one of its ``settings`` set otherwise; an axis the head no longer has at all counts as its
    null where the base value read as one, and is left out where the base read it only to
    tolerate the entry's failure (``tolerance``); an axis the base job never read where it
    changes what runs (``labels``) is left out, and so is a setting an ``include`` entry added to
    the entry (``extras``) when it names no version or runner."""
    axes = {a for h in heads for a, _ in h}
    present = tuple(
        (a, v)
        for a, v in combo
        if a not in labels
        and not (a in extras and _tunes(v))
        and (a in axes or (v.strip().lower() not in _NULL and a not in tolerance))
    )
    if kept(present, heads) or _retuned(present, heads, settings):
        return True
    if not moved:
        return False
    options = [[(a, m) for m in moved.get((a, v), (v,))] for a, v in present]
    for now in itertools.islice(itertools.product(*options), _CHOICES):
        if kept(now, heads) or _retuned(now, heads, settings):
            return True
    return False


#: How many ways of reading an entry's moved values are tried (each value moved to one of the
#: versions a single one became: a few at most).
_CHOICES = 256


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
    heads = align(before, after, after.matrix.combos if after.matrix is not None else ((),))
    if len(before.matrix.combos) == 1 and after.matrix is not None and heads:
        return  # one set-up then, at least one now: its values moved together (3.11/py311 → 3.12/py312)
    on = as_of(ctx)
    runtimes = runtime_axes((*before.steps, *after.steps))
    for axis, compiler in compiler_axes(
        change.before.body if change.before else None, change.after.body if change.after else None
    ).items():
        runtimes.setdefault(axis, compiler)
    moved = bumps(
        before.matrix.combos,
        heads,
        lambda axis, value: end_of_life(axis, value, on, runtimes.get(axis)) is not None,
        runtimes,
    )
    body = change.before.body if change.before else None
    tolerance = tolerance_axes(body, _values(before.matrix.combos)) | selector_axes(
        body, _values(before.matrix.combos), change.after.body if change.after else None
    )
    picks = {what for how, what in (*feeds(before).values(), *feeds(after).values()) if how == "axis"}
    picks |= {a for c in before.matrix.combos for a, _ in c if runtime_of(a) or a in runtimes}
    settings = settings_axes(before.matrix.combos, heads, picks)
    labels = label_axes(before, body, _values(before.matrix.combos)) if before.platform == "github" else frozenset()
    extras = extra_keys(before.matrix, picks)

    def runs(c: Combo) -> bool:
        return _runs(c, heads, moved, tolerance, settings, labels, extras)

    lost = sorted((c for c in before.matrix.combos if not runs(c)), key=_in_order)
    if not lost:
        return
    still = _values(heads)

    retired = {c: e for c in lost if (e := _eol(c, on, runtimes, still, runs)) is not None}
    supported = [c for c in lost if c not in retired]
    total = len(before.matrix.combos)
    head_route = route if after.matrix is not None else ()
    if supported:
        yield Hit(
            message=f"the matrix of {after.label} in {after.pipeline} no longer runs {len(supported)} of its "
            f"{total} combinations: {listed_text([shown(c) for c in supported], _SHOW)}",
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
            f"{listed_text([f'{shown(c)} ({e})' for c, e in retired.items()], _SHOW)}",
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
