"""A GitLab job's image is pinned less firmly than before.

## What it does
Reports a job whose `image` moves down the order digest (`@sha256:…`) > version tag > moving tag
(`latest`, `edge`, none at all) or becomes a variable that cannot be resolved offline. Moving
from one digest to another, or one version tag to another, stays silent.

## Why is this bad?
A moving tag runs whatever the registry serves at pipeline time, with the job's variables and
tokens; a digest is the only reference that cannot change underneath.

## Example
```yaml
# base                                          # head
unit:                                           unit:
  image: python:3.12@sha256:<64 hex>              image: python:latest
```

## How to resolve
Pin the image by digest (Renovate and Dependabot keep digests current), or approve the finding
with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, RefKind
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS


def _strength(kind: RefKind) -> int:
    # A missing tag means "latest": as moving as a branch-like tag.
    return {RefKind.SHA: 3, RefKind.TAG: 2}.get(kind, 1)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Job) or not isinstance(after, Job):
        return
    old, new = before.extra.get("image"), after.extra.get("image")
    if old is None or new is None:
        return
    (_, old_ref, old_kind), (name, new_ref, new_kind) = old, new
    if _strength(new_kind) >= _strength(old_kind):
        return
    dynamic = new_ref is not None and "$" in new_ref
    shown = "a variable that cannot be resolved offline" if dynamic else f"{new_kind.value} ({new_ref or 'latest'})"
    yield Hit(
        message=f"{after.label} in {after.pipeline}: image {name} pinned by {old_kind.value} ({old_ref}) → {shown}",
        attr="image",
        head_route=("image",),
        base_route=("image",),
        before=old_ref,
        after=new_ref,
        severity=Severity.LOW if dynamic else None,
    )


RULE = Rule(
    code="GL022",
    name="job-image-unpinned",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
