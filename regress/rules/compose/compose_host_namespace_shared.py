"""A compose service now shares a host namespace.

## What it does
Reports `network_mode: host`, `pid: host`, `ipc: host` or `userns_mode: host` on a service that
did not have it, including a new service.

## Why is this bad?
Sharing the host's network, process or IPC namespace removes the isolation between the container
and everything else on the machine: host-only ports become reachable, host processes visible.

## Example
```yaml
network_mode: host
```

## How to resolve
Publish the ports that are needed instead, or approve the finding with the reason.

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


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if after is None:
        return
    for field in ("network_mode", "pid", "ipc", "userns_mode"):
        now = getattr(after, field)
        was = getattr(before, field) if before is not None else ""
        if now == "host" and was != "host":
            yield Hit(message=f"{change.obj.label}: {field}: host", attr=field, head_route=(field,), after=now)


RULE = Rule(
    code="DC004",
    name="compose-host-namespace-shared",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
