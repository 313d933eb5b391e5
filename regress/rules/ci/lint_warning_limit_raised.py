"""A pipeline's ESLint run now tolerates more warnings.

## What it does
Reads the `--max-warnings N` of every ESLint (and `next lint`) command in a job's scripts
(`kinds/ci/lint_flags.py`) and reports the job whose strictest limit was raised, removed (ESLint's
default is no limit: warnings never fail), or made inert by `--quiet` (from ESLint 9, `--quiet`
skips the rules set to warn, so nothing is left to count). A limit lowered, a new ESLint run, a
run moved to another step of the job, and a limit that is not a literal number
(`--max-warnings "$MAX"`) are silent. The same limit in a `package.json` lint script is
compared by `lint-gate-loosened`. Reported under tests at low severity (CATALOGUE.md SC-17).

## Why is this bad?
`--max-warnings 0` is how a team makes its warning-level rules binding in CI. Raising or
dropping it lets every new warning through while the lint job stays green.

## Example
```yaml
# base                                   # head
- run: npx eslint . --max-warnings 0     - run: npx eslint . --max-warnings 25
```

## How to resolve
Fix the warnings, or turn the rules that should not bind into `off`; or approve the finding with
the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.lint_flags import WarningLimit, loosened, strictest, warning_limits
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs


def _strictest(job: Job) -> tuple[WarningLimit, tuple[object, ...]] | None:
    """The job's ESLint run that tolerates fewest warnings, with the route of its step."""
    found = [(w, (*step.route, "run")) for step in job.steps for w in warning_limits(step.run)]
    best = strictest([w for w, _ in found])
    return next(((w, r) for w, r in found if w is best), None)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    old = _strictest(before)
    if old is None:
        return
    new = _strictest(after)
    if new is None:
        # No ESLint run left in the job: whether linting moved or stopped is another question
        # (a lint job removed is not a test job removed); the limit itself did not loosen.
        return
    why = loosened(old[0], new[0])
    if why is None:
        return
    yield Hit(
        message=f"{new[0].tool} in {after.label} of {after.pipeline}: {why}",
        attr=f"lint[{new[0].tool}].max-warnings",
        head_route=new[1],
        base_route=old[1],
        before=old[0].effective,
        after=new[0].effective,
        related=callers_related(after),
    )


RULE = Rule(
    code="CI069",
    name="lint-warning-limit-raised",
    category=Category.TESTS,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
