"""A failing test (or scan) no longer fails its job or pipeline.

## What it does
Reports a test or scanner step, or a test job, that gains `continue-on-error` (GitHub Actions) or
`allow_failure` (GitLab) — `true`, or an expression that may be true. A job-level flag that is true
only for matrix entries that are new in the head (`continue-on-error: ${{ matrix.experimental }}`
on a newly added `3.15-dev` entry) is a test *added*, not weakened, and is not reported; nor is one
that no entry makes true (`${{ matrix.faulty || false }}` where no entry sets `faulty`). The same
holds for a step's flag (`continue-on-error: ${{ matrix.allow-failure }}` on the test step, true
only on the new `3.14-dev` entry); an entry that ran in the base and may now fail is reported.
An entry is new when the values the flag reads are new: `${{ matrix.laravel }}` on entries that
moved from Laravel `9.x` to `10.x` still tolerates the Laravel entries the base ran as blocking.
GitHub's flag takes a boolean only: an expression that yields anything else (`${{ matrix.laravel
|| 'false' }}` on an entry without `laravel` gives the string `'false'`) leaves it off. When the
flag holds on some entries only, the finding names them.

## Why is this bad?
With the flag set the step or job concludes `success` even when tests fail, so the check a
reviewer and branch protection rely on turns green over broken code.

## Example
```yaml
# base                         # head
- name: Test                   - name: Test
  run: pytest                    run: pytest
                                 continue-on-error: true
```

## How to resolve
Remove the flag, quarantine the flaky tests explicitly, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.github import expr
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import Combo, kept, listed, matrix_context

_FLAG_KEYS = {"github": "continue-on-error", "gitlab": "allow_failure", "azure": "continueOnError"}


def _on(value: Any) -> bool:
    return value is True or isinstance(value, str)


def _shown(value: Any) -> str:
    return (
        "absent" if value is False or value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    flag = _FLAG_KEYS.get(after.platform, "continue-on-error")
    job_kind = TEST in after.classes or TEST in before.classes
    if (
        job_kind
        and not _on(before.allow_failure)
        and _on(after.allow_failure)
        and not _only_new_entries(before, after, after.allow_failure)
    ):
        yield Hit(
            message=f"{after.label} in {after.pipeline} may now fail without failing the pipeline"
            f"{_entries(after, after.allow_failure)} "
            f"({flag}: {_shown(before.allow_failure)} → {_shown(after.allow_failure)})",
            attr=f"job.{flag}",
            head_route=(flag,),
            base_route=(flag,),
            before=before.allow_failure,
            after=after.allow_failure,
        )
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None:
            continue
        classes = sa.classes | sb.classes
        if not classes & {TEST, SECURITY}:
            continue
        if _on(sb.continue_on_error) or not _on(sa.continue_on_error):
            continue
        if _only_new_entries(before, after, sa.continue_on_error):
            continue  # only a newly added matrix entry's step may fail: a test added, not weakened
        what = "test" if TEST in classes else "scan"
        yield Hit(
            message=f"{what} {sa.label} of {after.label} in {after.pipeline} no longer fails the job"
            f"{_entries(after, sa.continue_on_error)} "
            f"({flag}: {_shown(sb.continue_on_error)} → {_shown(sa.continue_on_error)})",
            attr=f"step[{sa.key}].{flag}",
            head_route=(*sa.route, flag),
            base_route=(*sb.route, flag),
            before=sb.continue_on_error,
            after=sa.continue_on_error,
            severity=Severity.HIGH if what == "scan" else None,
            category=Category.SECURITY if what == "scan" else None,
        )


def _flagged(after: Job, flag: Any) -> list[Combo] | None:
    """The head matrix entries on which ``flag`` may be true, or None when it does not depend on
    the matrix (no static matrix, or a flag that is no expression)."""
    if not isinstance(flag, str) or after.matrix is None or after.matrix.dynamic:
        return None
    if after.platform == "github":
        return [c for c in after.matrix.combos if expr.boolean_field(flag, {"matrix": matrix_context(c)}) is not False]
    return [c for c in after.matrix.combos if expr.value_truth(flag, {"matrix": matrix_context(c)}) is not False]


def _read_axes(flag: str) -> frozenset[str] | None:
    """The matrix axes an expression reads, or None when it reads the whole matrix."""
    if _WHOLE_MATRIX.search(flag):
        return None
    return frozenset(m.group(1) for m in _AXIS_READ.finditer(flag))


#: ``matrix.<axis>`` inside an expression, and ``matrix`` read whole (``toJSON(matrix)``, ``matrix[…]``).
_AXIS_READ = re.compile(r"\bmatrix\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)")
_WHOLE_MATRIX = re.compile(r"\bmatrix\b(?!\.[A-Za-z_])")


def _only_new_entries(before: Job, after: Job, flag: Any) -> bool:
    """True when ``flag`` (the job's or one of its steps') is an expression that may be true only
    for matrix entries that are new in the head (``${{ matrix.experimental }}``,
    ``${{ matrix.python == '3.15-dev' }}``): an allowed-to-fail entry that was added is a test
    added, not one weakened. An entry counts as one the base ran when a base entry has it whole,
    or has the values on which the flag depends (``${{ matrix.laravel }}``: the base ran Laravel
    entries, as blocking ones, whatever Laravel release they now name). True as well when it is
    false for every entry (``${{ matrix.faulty || false }}`` with no entry setting ``faulty``, a
    key GitHub reads as null): no entry's failure is tolerated."""
    flagged = _flagged(after, flag)
    if flagged is None:
        return False
    old = before.matrix.combos if before.matrix is not None and not before.matrix.dynamic else frozenset()
    if any(any(kept(o, [c]) for o in old) for c in flagged):
        return False
    axes = _read_axes(str(flag))
    if not axes:
        return True
    seen = {tuple(dict(o).get(a) for a in sorted(axes)) for o in old}
    return not any(tuple(dict(c).get(a) for a in sorted(axes)) in seen for c in flagged)


def _entries(after: Job, flag: Any) -> str:
    """`` in N of its M matrix entries (…)`` when the flag holds on some entries only."""
    flagged = _flagged(after, flag)
    if flagged is None or after.matrix is None or len(flagged) in (0, len(after.matrix.combos)):
        return ""
    return f" in {len(flagged)} of its {len(after.matrix.combos)} matrix entries ({listed(flagged)})"


RULE = Rule(
    code="CI004",
    name="test-failure-ignored",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
