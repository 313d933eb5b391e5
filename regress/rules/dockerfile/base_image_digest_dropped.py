"""A base image lost its digest pin.

## What it does
Reports a stage whose `FROM` was pinned by digest (`@sha256:…`) and now only names a tag:
`FROM python:3.14-slim@sha256:…` → `FROM python:3.14-slim`. (Dropping to `latest` is reported
by `base-image-unpinned` instead.) Digest updates are silent.

## Why is this bad?
A tag can be moved to other content at any time by whoever controls the registry; a digest
cannot. Dropping it gives up the guarantee that the image built is the one that was reviewed.

## Example
```dockerfile
# base                                        # head
FROM python:3.14-slim@sha256:6a27…            FROM python:3.14-slim
```

## How to resolve
Keep the digest (update it with a bot such as Renovate), or approve the finding with the reason.

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
    if rb.pin is Pin.DIGEST and Pin.LATEST < ra.pin < Pin.DIGEST:
        yield Hit(
            message=f"{change.obj.label}: base image {rb} → {ra} (digest dropped)",
            attr="from",
            head_route=("from",),
            base_route=("from",),
            before=str(rb),
            after=str(ra),
        )


RULE = Rule(
    code="DF003",
    name="base-image-digest-dropped",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
