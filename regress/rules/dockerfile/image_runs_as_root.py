"""The image now runs as root.

## What it does
Follows the final stage (the one that runs, through `FROM <stage>` chains) and reports when its
effective user goes from non-root to root: a `USER app` removed, replaced by `USER root`,
`USER 0` or `USER 0:0`, or a later `USER root` added. `USER ${APP_USER}` is resolved from `ARG`
and `ENV` defaults. Without any `USER`, the base image decides: distroless `:nonroot` images
(and Chainguard images) run as non-root, every other base is taken to run as root. A `USER` in
an earlier stage does not matter.

## Why is this bad?
A process running as root inside the container turns a code execution bug into root on the
container, and with a misconfigured runtime or a kernel bug, on the host. Kubernetes
`runAsNonRoot` admission rejects such images, or worse, is not set.

## Example
```dockerfile
# base                          # head
FROM python:3.12-slim           FROM python:3.12-slim
USER app                        (USER line removed)
```

## How to resolve
Keep a non-root `USER` in the final stage, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.images import UserKind, user_kind
from regress.kinds.dockerfile.model import FAMILY, StageFacts
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.dockerfile import KINDS


def _describe(facts: StageFacts) -> str:
    if facts.user:
        return f"USER {facts.user}"
    return f"no USER (base {facts.root_text or 'unknown'})"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    fb, fa = before.facts, after.facts
    if not isinstance(fb, StageFacts) or not isinstance(fa, StageFacts):
        return
    kb = user_kind(fb.user, fb.root_image)
    ka = user_kind(fa.user, fa.root_image)
    explicit_root = ka is UserKind.ROOT and fa.user is not None
    if ka is not UserKind.ROOT or kb is UserKind.ROOT or (kb is UserKind.UNKNOWN and not explicit_root):
        return
    yield Hit(
        message=f"{after.label} runs as root: {_describe(fb)} → {_describe(fa)}",
        attr="user",
        head_route=("user",),
        base_route=("user",),
        before=fb.user,
        after=fa.user,
    )


RULE = Rule(
    code="DF001",
    name="image-runs-as-root",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "image"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
