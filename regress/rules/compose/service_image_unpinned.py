"""A compose service's image is pinned less firmly.

## What it does
Orders image references as for Dockerfiles (digest > exact version tag > moving tag > latest or
no tag) and reports a service whose `image` moved down: `postgres:16.2@sha256:…` → `postgres`,
`redis:7.2.4` → `redis:7`. Digest bumps and fixed-tag bumps are silent.

## Why is this bad?
A looser reference pulls whatever the registry serves today: new versions, or a tampered image.

## Example
```yaml
image: postgres:16.2@sha256:…   →   image: postgres
```

## How to resolve
Keep the pin, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.kinds.dockerfile.images import Pin, parse_ref, version_parts
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None:
        return
    rb, ra = parse_ref(before.image), parse_ref(after.image)
    if rb is None or ra is None:
        return
    weaker = ra.pin < rb.pin or (ra.pin is rb.pin is Pin.MOVING_TAG and version_parts(ra.tag) < version_parts(rb.tag))
    if weaker:
        yield Hit(
            message=f"{change.obj.label}: image {rb} → {ra}",
            attr="image",
            head_route=("image",),
            base_route=("image",),
            before=str(rb),
            after=str(ra),
            severity=Severity.LOW if ra.pin is Pin.MOVING_TAG else None,
        )


RULE = Rule(
    code="DC009",
    name="service-image-unpinned",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
