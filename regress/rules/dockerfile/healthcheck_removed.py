"""The image's HEALTHCHECK was removed or disabled.

## What it does
Reports when the final stage (following `FROM <stage>` chains) had a `HEALTHCHECK CMD …` and now
has none, or `HEALTHCHECK NONE`.

## Why is this bad?
Docker, Swarm and compose use the health check to restart or stop routing to a broken container
(`depends_on: condition: service_healthy` waits for it). Without it a hung process looks healthy.
Kubernetes ignores it (probes are set on the pod), so lower the severity in `.regress.yml` for
images that only run there.

## Example
```dockerfile
# base                                           # head
HEALTHCHECK CMD curl -f http://localhost/ || exit 1   HEALTHCHECK NONE
```

## How to resolve
Keep a health check, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.model import FAMILY, StageFacts
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.dockerfile import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    fb, fa = before.facts, after.facts
    if not isinstance(fb, StageFacts) or not isinstance(fa, StageFacts):
        return
    if fb.healthcheck is None or fb.healthcheck == "NONE":
        return
    if fa.healthcheck is not None and fa.healthcheck != "NONE":
        return
    now = "HEALTHCHECK NONE" if fa.healthcheck == "NONE" else "no HEALTHCHECK"
    yield Hit(
        message=f"{after.label}: HEALTHCHECK {fb.healthcheck} → {now}",
        attr="healthcheck",
        head_route=("healthcheck",),
        base_route=("healthcheck",),
        before=fb.healthcheck,
        after=fa.healthcheck,
    )


RULE = Rule(
    code="DF005",
    name="healthcheck-removed",
    category=Category.MONITORING,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "image"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
