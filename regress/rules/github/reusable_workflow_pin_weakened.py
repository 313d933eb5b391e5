"""A remote reusable workflow is pinned less firmly than before.

## What it does
Reports a job `uses: owner/repo/.github/workflows/x.yml@ref` whose reference moved down the
order commit SHA > version tag > branch (`@<40-hex>` → `@v2` or `@main`), and a new job calling a
remote reusable workflow by a branch or no ref. SHA → SHA and tag → tag bumps stay silent; local
workflows (`./…`) are part of the change itself.

## Why is this bad?
The called workflow's jobs run with the caller's secrets (all of them, with `secrets: inherit`);
whoever can push to that branch or move that tag decides what runs.

## Example
```yaml
# base                                                   # head
uses: org/ci/.github/workflows/test.yml@3f1c…9a          uses: org/ci/.github/workflows/test.yml@main
```

## How to resolve
Pin to the full commit SHA, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, RefKind
from regress.kinds.ci.refs import split_uses
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs
from regress.rules.github import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if after is None or not after.uses or after.ref_kind in (None, RefKind.LOCAL):
        return
    name, ref, kind = split_uses(after.uses)
    old_kind = None
    if before is not None and before.uses and split_uses(before.uses)[0].lower() == name.lower():
        old_kind = before.ref_kind
    if old_kind is not None:
        if kind.strength >= old_kind.strength:
            return
        message = f"{after.label} in {after.pipeline} calls {name} pinned by {old_kind.value} → {kind.value} ({ref})"
    elif before is None or not before.uses or before.ref_kind is None:
        if kind not in (RefKind.BRANCH, RefKind.NONE):
            return
        message = f"{after.label} in {after.pipeline} calls {name} by a moving {kind.value} ({ref or 'no ref'})"
    else:
        return
    yield Hit(
        message=message,
        attr=f"uses[{name}]",
        head_route=("uses",),
        base_route=("uses",) if old_kind is not None else None,
        before=old_kind.value if old_kind else None,
        after=ref,
        severity=Severity.HIGH if kind in (RefKind.BRANCH, RefKind.NONE) else None,
    )


RULE = Rule(
    code="GHA027",
    name="reusable-workflow-pin-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
