"""A base image tag became less specific.

## What it does
Reports a stage whose `FROM` tag names fewer version parts than before, without a digest on
either side: `node:20.11.1` → `node:20`, `alpine:3.20.3` → `alpine:3`, `python:3.12-slim` →
`python:3-slim`. Bumps that keep the precision (`3.20.3` → `3.21.0`) are silent.

## Why is this bad?
A less specific tag floats over more releases: the build picks up new minor or patch versions
without a change in the repository. Low severity: it is still a pin of sorts.

## Example
```dockerfile
# base                   # head
FROM node:20.11.1        FROM node:20
```

## How to resolve
Keep the exact version (or a digest), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.images import Pin, version_parts
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
    if Pin.DIGEST in (rb.pin, ra.pin) or Pin.LATEST in (rb.pin, ra.pin):
        return
    pb, pa = version_parts(rb.tag), version_parts(ra.tag)
    if pa < pb:
        yield Hit(
            message=f"{change.obj.label}: base image tag {rb} → {ra} ({pb} → {pa} version parts)",
            attr="from",
            head_route=("from",),
            base_route=("from",),
            before=str(rb),
            after=str(ra),
        )


RULE = Rule(
    code="DF004",
    name="base-image-tag-loosened",
    category=Category.SECURITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
