"""A Bitbucket pipe is pinned less firmly than before.

## What it does
Compares each pipe's version: a full version (`atlassian/aws-s3-deploy:1.1.0`) or a digest is
fixed; a partial one (`:1`, `:1.1`) follows new releases; none (or a word such as `latest`)
follows whatever was published last. Reports a move down that order, and a new pipe added
without a full version. Bumping one full version to another stays silent.

## Why is this bad?
A pipe is a container image that runs inside the step with its variables — often deployment
credentials; a floating tag runs code nobody reviewed.

## Example
```yaml
# base                                    # head
- pipe: atlassian/aws-s3-deploy:1.1.0     - pipe: atlassian/aws-s3-deploy:1
```

## How to resolve
Pin the full version (or a digest), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, RefKind
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.bitbucket import KINDS

_WORDS = {
    RefKind.SHA: "a full version",
    RefKind.TAG: "a partial version",
    RefKind.BRANCH: "a floating tag",
    RefKind.NONE: "no version",
}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None or not isinstance(change.after.facts, Job):
        return
    after = change.after.facts
    before = change.before.facts if change.before is not None else None
    old: dict[str, tuple[RefKind, str | None, Route]] = {}
    if isinstance(before, Job):
        for s in before.steps:
            if s.uses and s.uses.startswith("pipe:") and s.ref_kind is not None:
                prev = old.get(s.uses)
                if prev is None or s.ref_kind.strength > prev[0].strength:
                    old[s.uses] = (s.ref_kind, s.ref, s.route)
    for step in after.steps:
        if not step.uses or not step.uses.startswith("pipe:") or step.ref_kind is None:
            continue
        was = old.get(step.uses)
        name = step.uses.removeprefix("pipe:")
        if was is not None:
            if step.ref_kind.strength >= was[0].strength:
                continue
            message = (
                f"step {after.id!r} in {after.pipeline}: pipe {name} pinned by {_WORDS[was[0]]} ({was[1]}) → "
                f"{_WORDS[step.ref_kind]} ({step.ref or 'latest'})"
            )
        elif step.ref_kind is not RefKind.SHA:
            message = (
                f"step {after.id!r} in {after.pipeline}: new pipe {name} on {_WORDS[step.ref_kind]} "
                f"({step.ref or 'latest'})"
            )
        else:
            continue
        yield Hit(
            message=message,
            attr=f"pipe[{name}]",
            head_route=step.route,
            base_route=was[2] if was is not None else None,
            before=was[1] if was is not None else None,
            after=step.ref,
            severity=Severity.HIGH if step.ref_kind in (RefKind.BRANCH, RefKind.NONE) else None,
        )


RULE = Rule(
    code="BB006",
    name="pipe-pin-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
