"""A base image is no longer pinned: it now pulls `latest`.

## What it does
Reports a stage whose `FROM` had a tag or digest and now has none or `latest`:
`FROM redis:2.8.19` → `FROM redis`, `app:1.5.1` → `app:latest`. `docker.io/library/redis`
and `redis` are the same image. Digest bumps and moves from one fixed tag to another are silent.

## Why is this bad?
`latest` changes under the build: the next build can pick up a new major version or a
compromised image without any change in the repository, and builds stop being reproducible.

## Example
```dockerfile
# base                       # head
FROM redis:2.8.19            FROM redis
```

## How to resolve
Pin a version tag, better a digest, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.images import Pin
from regress.kinds.dockerfile.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.dockerfile import KINDS
from regress.rules.dockerfile._pins import base_refs


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    refs = base_refs(change)
    if refs is None:
        return
    rb, ra = refs
    if ra.pin is Pin.LATEST and rb.pin > Pin.LATEST:
        yield Hit(
            message=f"{change.obj.label}: base image {rb} → {ra} (pulls latest)",
            attr="from",
            head_route=("from",),
            base_route=("from",),
            before=str(rb),
            after=str(ra),
        )


RULE = Rule(
    code="DF002",
    name="base-image-unpinned",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
