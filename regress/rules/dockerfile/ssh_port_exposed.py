"""The image now exposes the SSH port.

## What it does
Reports `EXPOSE 22` added to the final stage.

## Why is this bad?
An SSH server in a container is a second way in that bypasses the orchestrator's access control
and audit (`kubectl exec`, `docker exec`), and usually comes with keys or passwords baked in.
Low severity: `EXPOSE` itself only documents the port.

## Example
```dockerfile
EXPOSE 8080 22
```

## How to resolve
Drop the SSH server, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.commands import exposed_ports, line_route
from regress.kinds.dockerfile.model import FAMILY, StageFacts
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.dockerfile import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    after = change.after
    if after is None or not isinstance(after.facts, StageFacts) or not after.facts.final:
        return
    before = change.before.facts if change.before is not None else None
    old = exposed_ports(before.stage) if isinstance(before, StageFacts) else {}
    new = exposed_ports(after.facts.stage)
    if "22" in new and "22" not in old:
        yield Hit(
            message=f"{after.label}: EXPOSE 22 (SSH) added",
            attr="expose:22",
            head_route=line_route(new["22"]),
            after="22",
        )


RULE = Rule(
    code="DF011",
    name="ssh-port-exposed",
    category=Category.SECURITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
