"""A test or scan job now runs only when someone starts it by hand.

## What it does
Reports a test or scan job that ran by itself and now runs only manually: GitLab `when: manual`,
Bitbucket `trigger: manual`. In GitLab a manual job outside `rules` is *optional* — the pipeline
succeeds without it ("a pipeline can succeed even if all of its manual jobs fail", docs "Types of
manual jobs") — and is reported at high severity; `when: manual` inside `rules` is *blocking*
(merging waits for someone to run it) and is reported at medium severity, as is a blocking manual
test job that becomes optional.

## Why is this bad?
A manual test job is a test nobody runs: the pipeline turns green (or waits) without it, and the
merge request shows a play button instead of a failure.

## Example
```yaml
# base                        # head
unit:                         unit:
  script: [pytest]              script: [pytest]
                                when: manual
```

## How to resolve
Let the job run by itself, or approve the finding with the reason it may be skipped.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Job
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

#: Platforms with manual jobs.
KINDS = ("gitlab-ci", "bitbucket-pipelines")
_KEYS = ("when", "rules", "trigger")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    if not after.manual or not (before.classes & {TEST, SECURITY}):
        return
    what = "test" if TEST in before.classes else "scan"
    blocking = after.extra.get("manual_blocking")
    if before.manual:
        # Already manual: only a blocking manual job (merging waits for it) turned optional.
        if before.extra.get("manual_blocking") is True and blocking is False:
            yield Hit(
                message=f"manual {what} {after.label} in {after.pipeline} no longer blocks merging: the pipeline "
                "now succeeds without it",
                attr="job.manual.blocking",
                head_route=tuple(after.extra.get("approval_route") or ()),
                base_route=tuple(before.extra.get("approval_route") or ()),
                before="blocking",
                after="optional",
                severity=Severity.MEDIUM,
                category=Category.TESTS if what == "test" else Category.SECURITY,
            )
        return
    if blocking is True:
        how, severity = "merging now waits for someone to start it", Severity.MEDIUM
    elif blocking is False:
        how, severity = "the pipeline now succeeds without it", Severity.HIGH
    else:
        how, severity = "it no longer runs by itself", Severity.HIGH
    gate = after.extra.get("approval_route")
    key = next((k for k in _KEYS if k in change.after.body), None)
    route = tuple(gate) if gate else (key,) if key else ()
    yield Hit(
        message=f"{what} {after.label} in {after.pipeline} now runs only when started by hand: {how}",
        attr="job.manual",
        head_route=route,
        base_route=(),
        before="automatic",
        after="manual",
        severity=severity,
        category=Category.TESTS if what == "test" else Category.SECURITY,
    )


RULE = Rule(
    code="CI050",
    name="test-job-made-manual",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
