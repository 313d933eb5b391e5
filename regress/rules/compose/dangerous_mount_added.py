"""A compose service now mounts a sensitive host path, or a mount became writable.

## What it does
Reports a new bind mount of the Docker socket (`/var/run/docker.sock`, `/run/docker.sock`),
`/`, `/etc`, `/proc`, `/sys`, `/root`, `/boot`, `/dev` or `/var/lib/docker`, and an existing
mount whose `:ro` (or `read_only: true`) was dropped.

## Why is this bad?
The Docker socket is root on the host; writable host system paths let the container change the
host. A read-only mount turned writable lets it tamper with what it used to only read.

## Example
```yaml
volumes:
  - /var/run/docker.sock:/var/run/docker.sock
```

## How to resolve
Mount only what is needed, read-only, or approve the finding with the reason.

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

SENSITIVE = frozenset(
    {
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/",
        "/etc",
        "/proc",
        "/sys",
        "/root",
        "/boot",
        "/dev",
        "/var/lib/docker",
    }
)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if after is None:
        return
    old = {m.target: m for m in before.volumes} if before is not None else {}
    for m in after.volumes:
        src = m.source.rstrip("/") or ("/" if m.source.startswith("/") else "")
        prev = old.get(m.target)
        if src in SENSITIVE and (prev is None or prev.source.rstrip("/") != src):
            yield Hit(
                message=f"{change.obj.label}: mounts host {m.source} at {m.target}",
                attr=f"volume:{m.target}",
                head_route=("volumes", m.index),
                after=m.source,
            )
        elif prev is not None and prev.read_only and not m.read_only and prev.source == m.source:
            yield Hit(
                message=f"{change.obj.label}: mount {m.source}:{m.target} is no longer read-only",
                attr=f"volume:{m.target}:ro",
                head_route=("volumes", m.index),
                base_route=("volumes", prev.index),
            )


RULE = Rule(
    code="DC006",
    name="dangerous-mount-added",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
