"""A pod now shares the node's network, process or IPC namespace.

## What it does
Reports `hostNetwork`, `hostPID` or `hostIPC` going from false/absent to `true`, on changed and on
newly added workloads (a new pod that joins the host's namespaces brings that exposure with it).
Also reports `hostUsers: false` (a user namespace for the pod) going back to `true` or absent on
an existing workload.

## Why is this bad?
With `hostNetwork` the pod sees every interface of the node and can bind to its ports and reach
services listening on localhost; `hostPID` shows every process on the node (and with ptrace,
their memory and environment); `hostIPC` shares its shared memory. The Pod Security Standards
forbid all three from `baseline` up. Without a user namespace, root in the container is root on
the node.

## Example
```yaml
# base                  # head
spec:                   spec:
  containers: [...]       hostNetwork: true
                          containers: [...]
```

## How to resolve
Remove the setting, or approve the finding with the reason (a CNI plugin, a node agent).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pod_field, pod_spec_route
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

HOST_NAMESPACES = {"hostNetwork": "network", "hostPID": "process", "hostIPC": "IPC"}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    route = tuple(pod_spec_route(head) or ())
    for field, what in HOST_NAMESPACES.items():
        now = pod_field(head, field)
        if now.value is not True:
            continue
        was = pod_field(change.before, field) if change.before is not None else None
        if was is not None and was.value is True:
            continue
        shown = "new workload" if change.before is None else f"{field} {_show(was.value if was else None)} → true"
        yield Hit(
            message=f"{head.label} shares the node's {what} namespace ({shown})",
            attr=f"spec.{field}",
            head_route=now.route,
            base_route=was.route if was else None,
            before=was.value if was else None,
            after=True,
        )
    if change.before is None:
        return
    was_users = pod_field(change.before, "hostUsers")
    now_users = pod_field(head, "hostUsers")
    if was_users.value is False and now_users.value is not False:
        yield Hit(
            message=f"{head.label} no longer runs in its own user namespace "
            f"(hostUsers false → {_show(now_users.value, 'absent (defaults to true)')})",
            attr="spec.hostUsers",
            head_route=now_users.route or (*route, "hostUsers"),
            base_route=was_users.route,
            before=False,
            after=now_users.value,
            severity=Severity.MEDIUM,
        )


def _show(value: object, absent: str = "absent") -> str:
    if value is None:
        return absent
    return "true" if value is True else "false" if value is False else str(value)


RULE = Rule(
    code="K8S008",
    name="host-namespace-shared",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
