"""A container now listens on a port of the node.

## What it does
Collects the `hostPort`s of every container of the pod as (port, protocol, hostIP) and reports the
ones the head adds, on changed and on newly added workloads. A host port that moves from one
container to another, or stays while the container is renamed, is no change.

## Why is this bad?
A host port opens the node's own address to the container, bypassing the Service and, with most
CNI plugins, NetworkPolicy. It also pins the pod to nodes where the port is free. The Pod Security
Standards' `baseline` level disallows host ports.

## Example
```yaml
# base                              # head
ports:                              ports:
  - containerPort: 8080               - containerPort: 8080
                                        hostPort: 8080
```

## How to resolve
Expose the port through a Service (NodePort or LoadBalancer if it must be reachable from
outside), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, containers
from regress.model import Change, ModelObject, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

Port = tuple[int, str, str]


def host_ports(obj: ModelObject | None) -> dict[Port, tuple[str, Route]]:
    """Every host port of the pod with the container label and route that declares it."""
    out: dict[Port, tuple[str, Route]] = {}
    if obj is None:
        return out
    for c in containers(obj).values():
        ports = c.body.get("ports")
        if not isinstance(ports, list):
            continue
        for i, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            host = port.get("hostPort")
            if not isinstance(host, int) or isinstance(host, bool) or host == 0:
                continue
            key = (host, str(port.get("protocol") or "TCP"), str(port.get("hostIP") or ""))
            out.setdefault(key, (c.label, (*c.route, "ports", i, "hostPort")))
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None:
        return
    was = host_ports(change.before)
    for key, (label, route) in sorted(host_ports(change.after).items()):
        if key in was:
            continue
        port, protocol, ip = key
        on = f" on {ip}" if ip else ""
        yield Hit(
            message=f"{label} of {change.after.label} opens host port {port}/{protocol}{on}",
            attr=f"hostPort[{port}/{protocol}{'@' + ip if ip else ''}]",
            head_route=route,
            before=None,
            after=port,
        )


RULE = Rule(
    code="K8S009",
    name="host-port-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
