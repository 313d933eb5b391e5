"""A step that ran tests was removed from its job.

## What it does
Reports a test step of a job that is still there (same job, or the job renamed or moved) when the
step has no counterpart in the head: not the same step (by id, action, name or command), not a
verbatim copy anywhere in the head (steps moved to another job or workflow file, or already run
by a workflow beside it that the change did not touch, on the pull-request events the job ran
on), and not covered by a merged command. Steps merged are judged by what they ran: `pytest tests/a` and
`pytest tests/b` → `pytest tests/a tests/b` is silent; two runs of the same command in different
set-ups ("without extras", "with all extras") → one run loses a variant and is reported.

A GitHub Actions job whose steps are replaced by a call to a reusable workflow of another
repository (`uses: org/meta/.github/workflows/build.yml@…`) cannot be compared offline: that is
one finding at low severity naming the workflow, not one removal per step.

Tests that moved with edits stay silent too: a head job gating the same events that runs the same
runner from the same folder, no narrower (`go test -v -race ./...` split over lines in job `build` →
`go test -v -race ./...` in a new job `test`; `gotestsum -- ./...` → `go test ./...`). A step
whose tests now run only on fewer platforms (a VM action or Vagrant box gone) is reported at
medium severity; one whose job now calls a new make goal, tox environment or test script that
regress does not read (`script/test.sh`, `make test-race`) at low severity, as possibly moved there. A step whose
tests ran in a folder the change deletes (`make -C sigv4 test`, `cd plugins/x && go test ./...`)
went with the code it tested: low severity, naming the folder. A step whose runner is told not to
run tests (`gradle check -x test`, `mvn verify -DskipTests`, `pytest --collect-only`) is no test
step, and its removal is not reported.

## Why is this bad?
The tests that step ran no longer gate the change, while the job still reports success, so
nothing in the checks list shows the loss.

## Example
```yaml
# base                              # head
steps:                              steps:
  - run: pytest tests/unit            - run: pytest tests/unit
  - run: pytest tests/integration
```

## How to resolve
Keep the step, or move it (regress pairs moved steps), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST, unwrap
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.ci.shell import split
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import (
    base_jobs,
    callers_related,
    covers,
    head_jobs,
    jobs,
    patterns_of,
    remote_call,
    runs_elsewhere,
)
from regress.rules.ci.suites import deleted_folders, folders_shown, moved


def _what(step: Step) -> str:
    if step.script is not None:
        return " ".join(step.script.split())
    return (step.uses or "").lower()


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _test_commands(step: Step) -> list[tuple[str, ...]]:
    if step.script is None:
        return []
    return [unwrap(c.argv) for c in split(step.script)]


def _covering(removed: Step, candidates: list[Step]) -> list[Step]:
    """Candidates that run every command of the removed step with the same runner and at least
    the same arguments (or none: the whole suite); [] if some command is not covered."""
    cmds = [c for c in _test_commands(removed) if c]
    if not cmds:
        return []
    used: list[Step] = []
    for cmd in cmds:
        found = [
            cand
            for cand in candidates
            if any(
                other[:1] == cmd[:1] and (set(cmd[1:]) <= set(other[1:]) or len(other) == 1)
                for other in _test_commands(cand)
            )
        ]
        if not found:
            return []
        used.extend(found)
    return used


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None:
        return
    callee = remote_call(after)
    if callee is not None and remote_call(before) is None:
        yield from _now_remote(change, ctx, before, after, callee)
        return
    pairs = pair_steps(before, after)
    base_tests = [s for s in before.steps if s.via is None and TEST in s.classes]
    head_tests = [s for s in after.steps if s.via is None and TEST in s.classes]
    base_count = Counter(_what(s) for s in base_tests)
    head_count = Counter(_what(s) for s in head_tests)
    partner = {id(sa): sb for sb, sa in pairs if sa is not None and sb is not None}
    patterns = patterns_of(ctx)

    def heads() -> list[Job]:
        return [j for j in head_jobs(ctx, change.obj) if covers(j, before)]

    for sb, sa in pairs:
        if sb is None or sa is not None or sb.via is not None:
            continue
        if TEST not in sb.classes or (SECURITY in sb.classes and not _test_commands(sb)):
            continue
        if runs_elsewhere(sb, ctx, change.obj, before):
            continue
        what = _what(sb)
        if head_count[what] and base_count[what] > head_count[what]:
            message = (
                f"test {sb.label} of {after.label} in {after.pipeline} was removed: `{what[:80]}` ran "
                f"{_times(base_count[what])} in different set-ups and now runs {_times(head_count[what])}, so a "
                "variant is lost"
            )
            severity = Severity.MEDIUM
        elif head_count[what]:
            continue
        elif covering := _covering(sb, head_tests):
            # Covered by a head step that is the continuation of another base step which already
            # ran these tests: the same tests ran twice in different set-ups, one is gone.
            merged = next(((h, partner[id(h)]) for h in covering if id(h) in partner), None)
            if merged is None or not _covering(sb, [merged[1]]):
                continue
            message = (
                f"test {sb.label} and {merged[1].label} of {after.label} in {after.pipeline} both ran "
                f"`{what[:80]}` in different set-ups; the head runs it once ({merged[0].label}), so a variant "
                "is lost"
            )
            severity = Severity.MEDIUM
        else:
            found = moved([sb], before, heads(), base_jobs(ctx, change.obj), patterns)
            if found.jobs and not found.lost_setup:
                continue  # the same tests run in another step or job (moved, reworded)
            if found.jobs:
                message = (
                    f"test {sb.label} of {after.label} in {after.pipeline} was removed: its tests still run in "
                    f"{found.jobs[0].label}, but no longer on {', '.join(sorted(found.lost_setup))}"
                )
                severity = Severity.MEDIUM
            elif found.maybe or found.maybe_jobs:
                # Unknown stays unknown (CATALOGUE.md §0.2.7): the head runs test commands or new
                # test jobs regress cannot see into.
                message = (
                    f"test {sb.label} of {after.label} in {after.pipeline} was removed; its tests may now run "
                    f"through {found.maybe_shown()}, which regress does not read"
                )
                severity = Severity.LOW
            elif deleted := deleted_folders([sb], ctx, patterns):
                # The tests went with the code they tested (a module split out of the repository):
                # still a test less, so it asks for an approval, at low severity.
                message = (
                    f"test {sb.label} of {after.label} in {after.pipeline} was removed together with "
                    f"{folders_shown(deleted)} it ran in, which the change deletes"
                )
                severity = Severity.LOW
            else:
                message = f"test {sb.label} of {after.label} in {after.pipeline} was removed"
                severity = None
        yield Hit(
            message=message,
            attr=f"step[{sb.key}]",
            head_route=sb.route[:-1],
            base_route=sb.route,
            before=what,
            after=None,
            severity=severity,
            related=callers_related(after),
        )


def _now_remote(change: Change, ctx: RuleContext, before: Job, after: Job, callee: str) -> Iterator[Hit]:
    """A job whose steps were replaced by a call to another repository's reusable workflow: the
    tests may run there, and cannot be read offline. One finding at low severity, never "removed"
    (unknown stays unknown)."""
    gone = [
        s
        for s in before.steps
        if s.via is None and TEST in s.classes and not runs_elsewhere(s, ctx, change.obj, before)
    ]
    if not gone:
        return
    names = ", ".join(s.label for s in gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
    yield Hit(
        message=f"the test steps of {after.label} in {after.pipeline} ({names}) are replaced by a call to "
        f"{callee}, a reusable workflow of another repository that cannot be read offline: whether it runs "
        "the same tests is not known",
        attr="steps",
        head_route=("uses",),
        base_route=("steps",),
        before=[_what(s) for s in gone],
        after=callee,
        severity=Severity.LOW,
        related=callers_related(after),
    )


RULE = Rule(
    code="CI003",
    name="test-step-removed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
