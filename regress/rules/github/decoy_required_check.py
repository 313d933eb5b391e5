"""A new workflow can satisfy a required check without running it.

## What it does
Reports a new workflow that has the same workflow `name` as another workflow and a job with the
same check name (job `name`, else id) whose steps only `echo`, `true` or `exit 0`. Required
status checks match by name, so the decoy's green check satisfies branch protection. GitHub
documents one legitimate form ("Handling skipped but required checks"): a decoy whose path
filter is the exact complement of the real workflow's (`paths-ignore` = the real `paths`, or the
reverse); that form stays silent.

## Why is this bad?
A pull request can merge with the real tests never having run, while the checks list shows them
as passed.

## Example
```yaml
# head: .github/workflows/ci-skip.yml (new)
name: CI
on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{run: echo "skipped"}]
```

## How to resolve
Use the documented path-filter complement, or rename the job, or approve the finding with the
reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, Pipeline
from regress.kinds.ci.shell import split
from regress.model import Change
from regress.rules.base import Hit, Index, Rule, RuleContext
from regress.rules.ci.helpers import jobs_of, pipelines
from regress.rules.github import KINDS

_NOOPS = frozenset({"echo", "true", ":", "exit", "printf"})


def _noop(job: Job) -> bool:
    if job.uses or not job.steps:
        return False
    for s in job.steps:
        if s.uses is not None or s.run is None:
            return False
        if any(c.argv[:1] and c.argv[0] not in _NOOPS for c in split(s.run)):
            return False
        if any(c.argv[:1] == ("exit",) and c.argv[1:2] not in ((), ("0",)) for c in split(s.run)):
            return False
    return True


def _complement(decoy: Pipeline, real: Pipeline) -> bool:
    for event in decoy.triggers:
        if event not in real.triggers:
            return False
        d, r = decoy.triggers[event].filters, real.triggers[event].filters
        dp, dpi = sorted(map(str, d.get("paths") or [])), sorted(map(str, d.get("paths-ignore") or []))
        rp, rpi = sorted(map(str, r.get("paths") or [])), sorted(map(str, r.get("paths-ignore") or []))
        if not ((dpi and dpi == rp) or (dp and dp == rpi)):
            return False
    return True


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    _before, decoy = pipelines(change)
    if decoy is None or not decoy.name or change.after is None:
        return
    # The real workflow is usually unchanged, so it is loaded from the folder on demand.
    neighbours = {id(o): o for o in [*ctx.head.of_type(FAMILY, "pipeline", "job"), *ctx.around("head", change.after)]}
    index = Index(neighbours.values())
    for obj in index.of_type(FAMILY, "pipeline"):
        real = obj.facts
        if not isinstance(real, Pipeline) or real.id == decoy.id or real.name != decoy.name:
            continue
        real_jobs = jobs_of(index, real.platform, real.id)
        real_names = {j.name or j.id for j in real_jobs.values()}
        for job in jobs_of(index, decoy.platform, decoy.id).values():
            check_name = job.name or job.id
            if check_name not in real_names or not _noop(job) or _complement(decoy, real):
                continue
            yield Hit(
                message=f"new workflow {decoy.id} reports a check {decoy.name} / {check_name} that only echoes, "
                f"with the same name as the real one in {real.id}, and its trigger is not the complement of "
                "the real workflow's path filter",
                attr=f"decoy[{check_name}]",
                head_route=("jobs", job.id),
                after=check_name,
                related=((obj, ("jobs",), "head"),),
            )


RULE = Rule(
    code="GHA021",
    name="decoy-required-check",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added"}),
)
