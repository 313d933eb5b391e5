"""A published port is now bound to all interfaces instead of loopback.

## What it does
Matches ports by (container port, published port, protocol) and reports one whose host address
was `127.0.0.1`, `::1` or `localhost` and is now absent or `0.0.0.0`: `"127.0.0.1:5432:5432"` →
`"5432:5432"`. The long form's `host_ip` is the same signal.

## Why is this bad?
Bound to all interfaces, a database or admin port is reachable from the network, and Docker's
iptables rules bypass a host firewall such as ufw.

## Example
```yaml
ports: ["127.0.0.1:5432:5432"]   →   ports: ["5432:5432"]
```

## How to resolve
Keep the loopback address, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if before is None or after is None:
        return
    old = {p.key: p for p in before.ports}
    for p in after.ports:
        prev = old.get(p.key)
        if prev is not None and prev.host_ip in LOOPBACK and p.host_ip in ("", "0.0.0.0", "::"):  # noqa: S104
            yield Hit(
                message=f"{change.obj.label}: port {p.published or p.target} bound to all interfaces "
                f"(was {prev.host_ip})",
                attr=f"port:{p.target}/{p.protocol}",
                head_route=("ports", p.index),
                base_route=("ports", prev.index),
            )


RULE = Rule(
    code="DC008",
    name="port-bound-all-interfaces",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
