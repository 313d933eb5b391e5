"""The job that aggregates required checks waits for fewer jobs or tolerates failures.

## What it does
Finds aggregator jobs — a job using `re-actors/alls-green`, or one that runs with `always()` and
inspects `needs.*.result` — and reports jobs dropped from its `needs`, and jobs added to its
`allowed-failures` or `allowed-skips`. Branch protection usually requires only the aggregator
(re-actors/alls-green README; actions/runner#2566), so whatever it stops waiting for stops
gating merges.

## Why is this bad?
A job removed from the aggregator still runs and may fail, but the pull request can merge anyway.

## Example
```yaml
# base                                   # head
check:                                   check:
  needs: [unit, integration, e2e]          needs: [unit, e2e]
  steps:                                   steps:
    - uses: re-actors/alls-green@v1          - uses: re-actors/alls-green@v1
      with: {jobs: '${{ toJSON(needs) }}'}     with: {jobs: '${{ toJSON(needs) }}'}
```

## How to resolve
Keep the job in the aggregator, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs, jobs_of
from regress.rules.github import KINDS


def is_aggregator(job: Job) -> bool:
    if any(s.uses and s.uses.lower() == "re-actors/alls-green" for s in job.steps):
        return True
    cond = (job.condition or "").replace(" ", "")
    return "always()" in cond and any("needs." in (s.run or "") or "needs.*" in (s.run or "") for s in job.steps)


def _listed(job: Job, name: str) -> set[str]:
    out: set[str] = set()
    for s in job.steps:
        value = s.inputs.get(name)
        if isinstance(value, str):
            out |= {v for v in re.split(r"[,\s]+", value) if v}
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None or not is_aggregator(before):
        return
    head_jobs = jobs_of(ctx.head, after.platform, after.pipeline)
    dropped = sorted(j for j in before.needs - after.needs if j in head_jobs)
    if dropped:
        yield Hit(
            message=f"aggregated check {after.label} in {after.pipeline} no longer waits for {', '.join(dropped)}: "
            + (
                "it still runs but no longer gates merges"
                if len(dropped) == 1
                else "they still run but no longer gate merges"
            ),
            attr="needs",
            head_route=("needs",),
            base_route=("needs",),
            before=sorted(before.needs),
            after=sorted(after.needs),
        )
    for name in ("allowed-failures", "allowed-skips"):
        grown = sorted(_listed(after, name) - _listed(before, name))
        if grown:
            yield Hit(
                message=f"aggregated check {after.label} in {after.pipeline} now tolerates {name}: {', '.join(grown)}",
                attr=name,
                head_route=("steps",),
                base_route=("steps",),
                before=sorted(_listed(before, name)),
                after=sorted(_listed(after, name)),
            )


RULE = Rule(
    code="GHA020",
    name="required-check-aggregator-loosened",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
