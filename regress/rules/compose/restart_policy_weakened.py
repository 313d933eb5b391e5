"""A compose service will no longer be restarted when it stops.

## What it does
Reports `restart` going from `always`, `unless-stopped` or `on-failure[:n]` to `no` or absent,
and `deploy.restart_policy.condition` going from `any` or `on-failure` to `none`.

## Why is this bad?
Without a restart policy a crashed service stays down until someone notices.

## Example
```yaml
restart: unless-stopped   →   (removed)
```

## How to resolve
Keep the restart policy, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None:
        return
    if _restarts(before.restart) and not _restarts(after.restart):
        yield Hit(
            message=f"{change.obj.label}: restart {before.restart} → {after.restart or 'absent (no)'}",
            attr="restart",
            head_route=("restart",),
            base_route=("restart",),
        )
    cb = _condition(before.deploy)
    ca = _condition(after.deploy)
    if cb in ("any", "on-failure") and ca == "none":
        yield Hit(
            message=f"{change.obj.label}: deploy.restart_policy.condition {cb} → none",
            attr="deploy.restart_policy.condition",
            head_route=("deploy", "restart_policy", "condition"),
            base_route=("deploy", "restart_policy", "condition"),
        )


def _restarts(policy: str) -> bool:
    return policy in ("always", "unless-stopped") or policy.startswith("on-failure")


def _condition(deploy: dict[str, Any]) -> str:
    policy = deploy.get("restart_policy")
    return str(policy.get("condition") or "any") if isinstance(policy, dict) else ""


RULE = Rule(
    code="DC012",
    name="restart-policy-weakened",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
