"""A job that ran tests was removed.

## What it does
Reports a CI job classified as a test job (it runs a test runner, publishes test results, or is
named like one: `test`, `unit`, `integration`, `e2e`, … — unless all it does is check out the code,
set up a toolchain or restore a cache) that exists in the base and not in the head, after jobs moved
to another file or renamed have been paired with their new selves, and whose test steps do not all
run verbatim elsewhere in the head (including the workflows beside it that the change did not touch,
on the pull-request events the job ran on), nor with edits: a job whose every test command runs in a
head job gating the same events, with the same runner, from the same folder and no narrower
(`gotestsum -- -race ./...` in `ci.yaml` → `go test -v -race ./...` in `go-test.yml`; CircleCI jobs
replaced by a GitHub Actions job), is a move. A test script regress cannot read counts as run
when the head runs it with the same arguments, less an option that left tests out
(`--exclude-latest`, `--skip-slow`), or with a selector that named one version of a group now
naming the whole group (`runtox.sh py3.12-boto3-latest` → `runtox.sh py3.12-boto3`): latest and
pinned jobs merged into one. A job on `pull_request_target` still gates the pull requests a
`pull_request` job gates. If the suite still runs but no longer on a platform
the job tested on (a FreeBSD VM action, a Vagrant box, a runner OS, a language version newer than
any the head tests, such as a `3.14-dev` nightly), the job is reported at medium severity as a
variant lost; if its tests may now run through a new make goal, tox environment, nox session or test
script of the same pipeline that regress does not read, or through a new test job of that pipeline
none of whose commands regress recognises (per-JDK jobs merged into one that runs `ci/test.sh` in
a container and publishes JUnit reports; a job split into jobs that compute their suite at run
time), at low severity; when the job's own file is deleted, those of any pipeline count. A job
whose steps only print a message and set an exit status (`echo "a job failed" && exit 1` under an
`if:` on `needs.*.result`) runs no tests, whatever its name. A job commented out counts
as removed, and so does a GitLab job renamed to `.name` (a hidden job is a template and never runs),
and so does a CircleCI job still defined under `jobs:` that no running workflow schedules any more
(`jobs:` is only a library; a workflow switched off by a pipeline parameter's default schedules
nothing). When the head pipeline includes files that cannot be fetched offline (a GitLab `remote:`
include), a job missing from the files read may be defined there: it is reported at low severity as
no longer visible, not as removed. Likewise, a test job removed from a GitHub Actions workflow that
now calls a reusable workflow of another repository (`uses: org/meta/.github/workflows/build.yml@…`)
may run there: low severity, naming the callee. A job whose tests all ran in folders the change
deletes (`make -C sigv4 test` with `sigv4/` gone, not a folder of tests such as `tests/`) went with
the code it tested: low severity, naming the folders. A job that is a test job by its name only (a
DCO or link check) whose steps all run in another job now was merged or renamed, and is silent.

## Why is this bad?
The tests it ran no longer gate the change — and nothing in the pull request's checks says so: a
removed job simply stops reporting.

## Example
```yaml
# base                                  # head
jobs:                                   jobs:
  unit:                                   lint:
    runs-on: ubuntu-latest                  runs-on: ubuntu-latest
    steps: [{run: pytest}]                  steps: [{run: ruff check .}]
  lint:
    runs-on: ubuntu-latest
    steps: [{run: ruff check .}]
```

## How to resolve
Keep the job, move its tests into another job (regress pairs moved tests), or approve the finding
with the reason the tests are no longer needed.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job, Pipeline, Step
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import (
    base_jobs,
    covers,
    head_jobs,
    own_steps,
    patterns_of,
    pipeline_jobs,
    remote_call,
    runs_elsewhere,
)
from regress.rules.ci.suites import deleted_folders, folders_shown, moved, test_steps


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before
    if before is None or change.after is not None:
        return
    job = before.facts
    if not isinstance(job, Job) or TEST not in job.classes:
        return
    if SECURITY in job.classes and not _runs_tests(job):
        return  # a scanner job: security-scan-removed reports it
    tests = [s for s in own_steps(job) if TEST in s.classes]
    pipeline = ctx.head.get(FAMILY, (job.platform, job.pipeline))
    where = f"{job.pipeline}" + ("" if pipeline is not None else " (file removed)")

    def gone(message: str, severity: Severity | None = None, route: Route = ("jobs",)) -> Hit:
        """The job's finding, located at the head pipeline's ``route`` when the file is still there."""
        return Hit(
            message=message,
            attr="job",
            head_obj=pipeline,
            head_route=route if pipeline is not None else None,
            base_route=(),
            before=job.id,
            after=None,
            severity=severity,
        )

    heads = [j for j in head_jobs(ctx, before) if covers(j, job)]
    patterns = patterns_of(ctx)
    found = moved(test_steps(own_steps(job), patterns), job, heads, base_jobs(ctx, before), patterns)
    if found.jobs:
        if found.lost_setup:
            yield gone(
                f"test {job.label} was removed from {where}: its tests still run in "
                f"{_jobs_shown(found.jobs)}, but no longer on {', '.join(sorted(found.lost_setup))}",
                Severity.MEDIUM,
            )
        return  # the same tests run in other jobs (moved, renamed, reworded)
    if tests and all(runs_elsewhere(s, ctx, before, job) for s in tests):
        return  # its test steps moved verbatim into other jobs or workflow files
    work = [s for s in own_steps(job) if not _preparation(s)]
    if not tests and work and all(runs_elsewhere(s, ctx, before, job) for s in work):
        # A test job by its name alone (a DCO or link check: no step is a test command), whose
        # steps all run verbatim in another job now: jobs merged or renamed, nothing lost.
        return
    if found.maybe or found.maybe_jobs:
        # Unknown stays unknown: the head runs test commands or new test jobs regress cannot see
        # into (CATALOGUE.md §0.2.7).
        yield gone(
            f"test {job.label} was removed from {where}; its tests may now run through "
            f"{found.maybe_shown()}, which regress does not read",
            Severity.LOW,
        )
        return
    unresolved = pipeline.facts.extra.get("unresolved") if pipeline is not None else None
    if unresolved:
        # Unknown stays unknown: it may be defined in what could not be read (CATALOGUE.md §0.2.7).
        yield gone(
            f"test {job.label} is no longer defined in the files read for {where}; it may come from "
            f"{', '.join(unresolved[:3])}, which cannot be fetched offline",
            Severity.LOW,
            ("include",),
        )
        return
    callees = sorted(
        {c for j in pipeline_jobs(ctx.head, pipeline.facts) if (c := remote_call(j))}
        if pipeline is not None and isinstance(pipeline.facts, Pipeline)
        else set()
    )
    if callees and remote_call(job) is None:
        # Its work may have moved into another repository's reusable workflow, which the
        # workflow now calls: unknown, not removed (CATALOGUE.md §0.2.7).
        yield gone(
            f"test {job.label} was removed from {where}, which now calls {', '.join(callees[:3])}: "
            "a reusable workflow of another repository that cannot be read offline, so whether it runs "
            "these tests is not known",
            Severity.LOW,
        )
        return
    deleted = deleted_folders(tests, ctx, patterns)
    if deleted:
        # The tests went with the code they tested (a module split out of the repository): still
        # a test less, so it asks for an approval, at low severity.
        yield gone(
            f"test {job.label} was removed from {where} together with {folders_shown(deleted)} its tests "
            "ran in, which the change deletes",
            Severity.LOW,
        )
        return
    hidden = _hidden_as(pipeline.facts if pipeline is not None else None, job)
    if hidden:
        where += f" (hidden as {hidden!r}: hidden jobs are templates and never run)"
    why = _unscheduled(pipeline.facts if pipeline is not None else None, job)
    if why:
        where += f" (still defined, but {why})"
    yield gone(f"test {job.label} was removed from {where}")


def _jobs_shown(jobs: tuple[Job, ...]) -> str:
    first = jobs[0]
    more = f" and {len(jobs) - 1} more" if len(jobs) > 1 else ""
    return f"{first.label} of {first.pipeline}{more}"


def _hidden_as(pipeline: Any, job: Job) -> str | None:
    """GitLab: a job renamed to ``.name`` is a template and never runs (docs "Hide a job")."""
    hidden = pipeline.extra.get("hidden", ()) if isinstance(pipeline, Pipeline) else ()
    return "." + job.id if "." + job.id in hidden else None


def _unscheduled(pipeline: Any, job: Job) -> str | None:
    """CircleCI: why a job that is still defined is no longer scheduled by a workflow."""
    reasons = pipeline.extra.get("unscheduled", {}) if isinstance(pipeline, Pipeline) else {}
    name = job.extra.get("job", job.id)
    return reasons.get(name) if isinstance(reasons, dict) else None


#: Actions that prepare a job rather than do its work: a job that kept only these did nothing.
_PREPARATION = (
    "actions/checkout",
    "actions/cache",
    "actions/setup-",
    "actions/download-artifact",
    "actions/upload-artifact",
)


def _preparation(step: Step) -> bool:
    return step.run is None and (step.uses or "").lower().startswith(_PREPARATION)


def _runs_tests(job: Job) -> bool:
    return any(TEST in s.classes for s in job.steps)


RULE = Rule(
    code="CI002",
    name="test-job-removed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed"}),
)
