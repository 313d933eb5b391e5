"""A container image is pinned less firmly than before.

## What it does
Orders image references digest (`app@sha256:…`) > version tag (`app:1.2.3`) > floating
(`app:latest`, no tag, or a branch-like tag such as `main`, `stable`, `nightly`) and reports a
container whose image moved down that order. Digest → digest and tag → another version tag are
version bumps and stay silent; `:latest` → a tag or digest is a strengthening. A container added
with a floating image (in a new or an existing workload) is reported at low severity. References
that are templated (`${TAG}`, `$(IMAGE)`) are unknown and never reported.

## Why is this bad?
A tag can be moved by whoever can push to the registry; a floating tag is moved on every build,
so what runs changes without any change to the manifest, and a rollback may not restore the old
code. A digest names exactly one image.

## Example
```yaml
# base                                          # head
image: registry.example.com/api@sha256:4f3c…    image: registry.example.com/api:latest
```

## How to resolve
Pin by digest (tools such as Renovate keep digests current), or by a fixed version tag; or
approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.images import Pin, parse_image
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

_PIN_TEXT = {Pin.DIGEST: "a digest", Pin.TAG: "a version tag", Pin.FLOATING: "a floating tag"}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if after is None:
            continue
        now = parse_image(after.body.get("image"))
        if now is None:
            continue
        route = (*after.route, "image")
        if before is None:
            if now.pin is Pin.FLOATING:
                yield Hit(
                    message=f"new {after.label} of {change.after.label} uses floating image {now}",
                    attr=f"{after.attr}.image",
                    head_route=route,
                    after=str(now),
                    severity=Severity.LOW,
                )
            continue
        was = parse_image(before.body.get("image"))
        if was is None or now.pin >= was.pin:
            continue
        yield Hit(
            message=f"{after.label} of {change.after.label}: image pin weakened from {_PIN_TEXT[was.pin]} to "
            f"{_PIN_TEXT[now.pin]} ({was} → {now})",
            attr=f"{after.attr}.image",
            head_route=route,
            base_route=(*before.route, "image"),
            before=str(was),
            after=str(now),
        )


RULE = Rule(
    code="K8S014",
    name="container-image-unpinned",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
