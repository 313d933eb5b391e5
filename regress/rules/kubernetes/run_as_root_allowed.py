"""A container may now run as root.

## What it does
Reports a container whose effective `runAsNonRoot` (its own `securityContext` over the pod's) was
`true` in the base and is not in the head. Two changes stay silent: the setting moving between the
container and the pod level (the effective value is the same), and a head that sets an explicit
non-zero `runAsUser`, which keeps the process off UID 0 whatever the image says.

## Why is this bad?
With `runAsNonRoot: true` the kubelet refuses to start a container whose user is root. Without it
the image's `USER` decides, and most images default to root: a container escape then starts as
root on the node's kernel.

## Example
```yaml
# base                                # head
securityContext:                      securityContext:
  runAsNonRoot: true                    fsGroup: 1000
  fsGroup: 1000
```

## How to resolve
Keep `runAsNonRoot: true`, or set an explicit non-zero `runAsUser`; otherwise approve the finding
with the reason the container must be able to run as root.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import (
    WORKLOAD_TYPES,
    effective_security,
    from_pod_level,
    pair_containers,
    pod_spec_route,
)
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

FIELD = "runAsNonRoot"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None:
            continue
        was = effective_security(change.before, before, FIELD)
        if was.value is not True:
            continue
        now = effective_security(change.after, after, FIELD)
        if now.value is True:
            continue
        uid = effective_security(change.after, after, "runAsUser").value
        explicit_uid = isinstance(uid, int) and not isinstance(uid, bool)
        if explicit_uid and uid > 0:
            continue  # an explicit non-root UID keeps the process off root
        pod_scope = from_pod_level(change.before, was) and (now.route is None or from_pod_level(change.after, now))
        who = f"the pod of {change.after.label}" if pod_scope else f"{after.label} of {change.after.label}"
        shown = "false" if now.value is False else "absent"
        if explicit_uid and uid == 0:
            message = f"{who} now runs as root: runAsNonRoot true → {shown} and runAsUser is 0"
        else:
            message = f"{who} may run as root: runAsNonRoot true → {shown} and no non-zero runAsUser is set"
        yield Hit(
            message=message,
            attr=f"securityContext.{FIELD}" if pod_scope else f"{after.attr}.securityContext.{FIELD}",
            head_route=now.route or (*(_pod(change) if pod_scope else after.route), "securityContext", FIELD),
            base_route=was.route,
            before=True,
            after=now.value,
            severity=Severity.HIGH if explicit_uid and uid == 0 else None,
        )


def _pod(change: Change) -> tuple[str, ...]:
    assert change.after is not None
    return tuple(pod_spec_route(change.after) or ())


RULE = Rule(
    code="K8S003",
    name="run-as-root-allowed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
