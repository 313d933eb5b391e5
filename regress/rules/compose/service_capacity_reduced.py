"""A compose service's replicas or resource limits were cut.

## What it does
Reports `deploy.replicas` going down (absent is 1) and `deploy.resources.limits` removed.

## Why is this bad?
Fewer replicas mean less headroom and no redundancy; without limits one service can starve the
others on the host.

## Example
```yaml
deploy: {replicas: 3}   →   deploy: {replicas: 1}
```

## How to resolve
Keep the capacity, or approve the finding with the reasoning.

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
    rb, ra = _replicas(before.deploy), _replicas(after.deploy)
    if rb is not None and ra is not None and ra < rb:
        yield Hit(
            message=f"{change.obj.label}: deploy.replicas {rb} → {ra}",
            attr="deploy.replicas",
            head_route=("deploy", "replicas"),
            base_route=("deploy", "replicas"),
            before=rb,
            after=ra,
        )
    if _limits(before.deploy) and not _limits(after.deploy):
        yield Hit(
            message=f"{change.obj.label}: deploy.resources.limits removed",
            attr="deploy.resources.limits",
            head_route=("deploy", "resources"),
            base_route=("deploy", "resources", "limits"),
        )


def _replicas(deploy: dict[str, Any]) -> int | None:
    value = deploy.get("replicas", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _limits(deploy: dict[str, Any]) -> bool:
    res = deploy.get("resources")
    return isinstance(res, dict) and bool(res.get("limits"))


RULE = Rule(
    code="DC013",
    name="service-capacity-reduced",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
