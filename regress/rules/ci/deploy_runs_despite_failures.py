"""A deploy job now runs even when the jobs it needs failed.

## What it does
Evaluates the deploy job's condition in the situation "a job it needs failed" — `success()` is
false, `failure()` and `always()` true, each `needs.<job>.result` is `failure` — and reports a
condition that could not run there in the base and can in the head: `always() && …`,
`!cancelled()`, `failure() || …`, `success() || …`. A condition that checks the needed jobs'
results (`always() && needs.test.result == 'success'`) still blocks and stays silent.

## Why is this bad?
`needs` only orders jobs; a status function in `if:` lets the deploy proceed after the tests
failed, which is what `needs` was there to prevent.

## Example
```yaml
# base                                  # head
if: github.ref == 'refs/heads/main'     if: always() && github.ref == 'refs/heads/main'
```

## How to resolve
Drop the status function, or check `needs.<job>.result` explicitly, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.github import expr
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import jobs


def runs_after_failure(job: Job) -> bool:
    """The job may run when a job it needs failed (GitHub expression semantics)."""
    if not job.needs:
        return False
    if job.platform != "github":
        return (job.condition or "").strip().lower() in ("always", "always()")
    needs = {n: {"result": "failure", "outputs": {"__default__": expr.UNKNOWN}} for n in job.needs}
    env = expr.Env(expr.event_contexts(None, {"needs": needs}), success=False, failure=True)
    return expr.condition_truth(job.condition, env) is not False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None or DEPLOY not in after.classes:
        return
    if runs_after_failure(after) and not runs_after_failure(before):
        yield Hit(
            message=f"deploy {after.label} in {after.pipeline} now runs even when {', '.join(sorted(after.needs))} "
            f"failed: its condition is `{after.condition}`",
            attr="if",
            head_route=("if",),
            base_route=("if",) if before.condition is not None else (),
            before=before.condition,
            after=after.condition,
        )


RULE = Rule(
    code="CI018",
    name="deploy-runs-despite-failures",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
