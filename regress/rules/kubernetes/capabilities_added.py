"""A container gained Linux capabilities.

## What it does
Compares each container's `securityContext.capabilities.add` as a set (names normalised:
`cap_net_raw` is `NET_RAW`) and reports what the head adds. Capabilities outside the Pod Security
Standards' `baseline` list (`NET_RAW`, `NET_ADMIN`, `SYS_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`,
`ALL`, …) are high severity, and are reported on new workloads and new containers too; adding
one of the baseline list's runtime defaults (`NET_BIND_SERVICE`, `CHOWN`, …) to an existing
container is low. Removing capabilities is silent.

## Why is this bad?
Capabilities are slices of root: `SYS_ADMIN` is nearly all of it, `NET_ADMIN` rewrites the
node's view of the network from a host-network pod, `NET_RAW` allows ARP and DNS spoofing inside
the cluster network, `SYS_PTRACE` reads other processes' memory.

## Example
```yaml
# base                            # head
securityContext:                  securityContext:
  capabilities:                     capabilities:
    drop: [ALL]                       add: [NET_RAW]
```
(`capabilities-no-longer-dropped` reports the lost `drop: [ALL]` as a second finding.)

## How to resolve
Grant only the capability the process needs, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, capability_set, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: Capabilities the Pod Security Standards' baseline level allows a container to add: the
#: container runtimes' defaults minus NET_RAW (kubernetes.io, "Pod Security Standards",
#: Baseline → Capabilities).
BASELINE = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if after is None:
            continue
        now = capability_set(after, "add")
        if not now:
            continue
        was = capability_set(before, "add") if before is not None else frozenset()
        if was is None or "ALL" in was:
            continue
        gained = now - was
        risky = sorted(gained - BASELINE)
        if before is None:
            gained = frozenset(risky)  # a new container: only what baseline would refuse
        if not gained:
            continue
        names = ", ".join(sorted(gained))
        where = "new " if before is None else ""
        yield Hit(
            message=f"{where}{after.label} of {change.after.label} adds "
            f"{'capabilities' if len(gained) > 1 else 'capability'} {names}",
            attr=f"{after.attr}.securityContext.capabilities.add",
            head_route=(*after.route, "securityContext", "capabilities", "add"),
            base_route=(*before.route, "securityContext", "capabilities") if before is not None else None,
            before=sorted(was),
            after=sorted(now),
            severity=Severity.HIGH if risky else Severity.LOW,
        )


RULE = Rule(
    code="K8S006",
    name="capabilities-added",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
