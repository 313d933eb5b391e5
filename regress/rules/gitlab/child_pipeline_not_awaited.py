"""A GitLab trigger job no longer waits for its child pipeline's result.

## What it does
Reports a trigger job whose child or downstream pipeline runs tests or scans and that loses
`strategy: depend` (or `mirror`).

## Why is this bad?
Without `depend` the trigger job succeeds as soon as the child pipeline is *created*: the tests
in it can fail while the parent pipeline — the one merge requests wait for — stays green.

## Example
```yaml
# base                              # head
tests:                              tests:
  trigger:                            trigger:
    include: ci/tests.yml               include: ci/tests.yml
    strategy: depend
```

## How to resolve
Keep `strategy: depend`, or approve the finding with the reason.

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
from regress.rules.gitlab import KINDS

#: Strategies that make the trigger job mirror the child's status (docs "trigger:strategy").
AWAITING = frozenset({"depend", "mirror"})


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job) or before.uses is None:
        return
    if not (before.classes & {TEST, SECURITY}):
        return
    was, now = before.extra.get("strategy"), after.extra.get("strategy")
    if was not in AWAITING or now in AWAITING or after.uses is None:
        return
    yield Hit(
        message=f"trigger {after.label} in {after.pipeline} no longer waits for {after.uses.split(':', 1)[-1]}: "
        f"strategy {was} → {now or 'absent'}, so the tests there no longer decide this pipeline's status",
        attr="trigger.strategy",
        head_route=("trigger",),
        base_route=("trigger", "strategy"),
        before=was,
        after=now,
    )


RULE = Rule(
    code="GL012",
    name="child-pipeline-not-awaited",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
