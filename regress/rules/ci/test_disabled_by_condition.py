"""A test or scan job or step is switched off by a condition that is always false.

## What it does
Evaluates the job's and each test or scanner step's condition with a three-valued evaluator in
which every context that cannot be known offline is *unknown*, and reports a condition that is
false whatever the event, branch or inputs are, when it was not in the base: `if: false`,
`${{ false }}`, `0`, `''`, `${{ false && x }}`. Conditions that are merely narrower (run on push
only) are `test-job-events-narrowed`'s business.

## Why is this bad?
The job or step still appears in the workflow file and reviewers read it as running, but GitHub
skips it every time, and a skipped job counts as passing for branch protection.

## Example
```yaml
# base                    # head
test:                     test:
  runs-on: ubuntu-latest    if: false  # flaky, re-enable later
                            runs-on: ubuntu-latest
```

## How to resolve
Remove the condition, or delete the job openly, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.github import expr
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs

_CLASSES = frozenset({TEST, SECURITY})


def never_runs(job: Job, condition: str | None) -> bool:
    """The condition is false in every environment (GitHub expressions; other platforms map
    their constant conditions to ``false``)."""
    if condition is None:
        return False
    if job.platform != "github":
        return condition.strip().lower() in ("false", "never")
    return expr.condition_truth(condition, expr.Env(expr.event_contexts(None))) is False


def _what(classes: frozenset[str]) -> tuple[str, Category | None]:
    return ("test", None) if TEST in classes else ("scan", Category.SECURITY)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    if (before.classes | after.classes) & _CLASSES and never_runs(after, after.condition):
        if not never_runs(before, before.condition):
            what, category = _what(before.classes | after.classes)
            yield Hit(
                message=f"{what} {after.label} in {after.pipeline} never runs: its condition "
                f"`{after.condition}` is always false",
                attr="job.if",
                head_route=("if",),
                base_route=("if",),
                before=before.condition,
                after=after.condition,
                category=category,
                related=callers_related(after),
            )
        return
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or not (sb.classes | sa.classes) & _CLASSES:
            continue
        if never_runs(after, sa.condition) and not never_runs(before, sb.condition):
            what, category = _what(sb.classes | sa.classes)
            yield Hit(
                message=f"{what} {sa.label} of {after.label} in {after.pipeline} never runs: its condition "
                f"`{sa.condition}` is always false",
                attr=f"step[{sa.key}].if",
                head_route=(*sa.route, "if"),
                base_route=sb.route,
                before=sb.condition,
                after=sa.condition,
                category=category,
                related=callers_related(after),
            )


RULE = Rule(
    code="CI008",
    name="test-disabled-by-condition",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
