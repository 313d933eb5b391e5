"""A compose service now runs as root.

## What it does
Reports a service whose `user` was a non-root user and is now `root`, `0`, `0:0`, or absent.
Absent means the image decides: distroless `:nonroot` (and Chainguard) images stay non-root,
every other image is taken to run as root.

## Why is this bad?
See `image-runs-as-root`: root in the container turns a code execution bug into root in the
container, one kernel bug away from the host.

## Example
```yaml
user: "1000:1000"   →   (removed)
```

## How to resolve
Keep a non-root `user`, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.kinds.dockerfile.images import UserKind, parse_ref, user_kind
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None:
        return
    kb = user_kind(before.user, parse_ref(before.image))
    ka = user_kind(after.user, parse_ref(after.image))
    if kb is UserKind.NON_ROOT and ka is UserKind.ROOT:
        shown = f"user {after.user}" if after.user is not None else f"no user (image {after.image or 'unknown'})"
        yield Hit(
            message=f"{change.obj.label} runs as root: user {before.user} → {shown}",
            attr="user",
            head_route=("user",),
            base_route=("user",),
            before=before.user,
            after=after.user,
        )


RULE = Rule(
    code="DC005",
    name="service-runs-as-root",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
