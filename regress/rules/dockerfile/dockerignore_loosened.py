"""A `.dockerignore` no longer keeps secrets or repository internals out of the build context.

## What it does
Reports a sensitive entry (`.env`, `*.pem`, `*.key`, `id_rsa*`, `.git`, `.ssh`, `.aws`,
`.npmrc`, `*.tfstate`, `secrets`, …) removed from a `.dockerignore` that stays, one re-included
with `!`, and a `.dockerignore` that excluded such entries deleted while a Dockerfile in its
folder stays. (CATALOGUE DF-13 marks this unverified as a rule.)

## Why is this bad?
Whatever is in the build context can be copied into an image by a broad `COPY . .`, and then
ships with every pull of the image: environment files, private keys, cloud credentials, the
whole git history.

## Example
```
# base .dockerignore      # head .dockerignore
.git                      .git
.env                      (removed)
```

## How to resolve
Keep the entry, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.ignorefile import IgnoreFacts
from regress.kinds.dockerfile.model import FAMILY
from regress.model import Change, Status
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.dockerfile import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before
    if before is None or not isinstance(before.facts, IgnoreFacts):
        return
    if change.status is Status.REMOVED:
        if not before.facts.excluded:
            return
        # The Dockerfiles of the same folder on the head side (loaded on demand if unchanged).
        dockerfiles = [o for o in ctx.around("head", before) if o.type == "image"]
        if dockerfiles:
            yield Hit(
                message=f"{before.label} deleted; it kept {', '.join(sorted(before.facts.excluded))} out of the "
                "build context",
                attr="file",
                base_route=(),
            )
        return
    after = change.after
    if after is None or not isinstance(after.facts, IgnoreFacts):
        return
    for name in sorted(set(before.facts.excluded) - set(after.facts.excluded)):
        yield Hit(
            message=f"{after.label}: {name} no longer excluded from the build context",
            attr=f"exclude:{name}",
            base_route=("exclude", name),
        )
    for name in sorted(set(after.facts.reincluded) - set(before.facts.reincluded)):
        yield Hit(
            message=f"{after.label}: !{name} re-includes it in the build context",
            attr=f"reinclude:{name}",
            head_route=("reinclude", name),
        )


RULE = Rule(
    code="DF013",
    name="dockerignore-loosened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "ignore-file"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "removed"}),
)
