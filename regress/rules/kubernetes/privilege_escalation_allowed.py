"""A container may now gain more privileges than its parent process.

## What it does
Reports a container (init and ephemeral containers included) whose `securityContext` had
`allowPrivilegeEscalation: false` in the base and not in the head (absent or `true`).
`allowPrivilegeEscalation` exists only in a container's `securityContext`: a container block
moved to the pod's `securityContext` loses it, even when the pod-level block looks stricter, so
that move is reported too. Removing the whole container (a sidecar) is not.

## Why is this bad?
The field sets the kernel's `no_new_privs` flag. Without it a setuid binary in the image (`su`,
`sudo`, `ping` on older images) can raise a process's privileges; the API default is `true`.
The Pod Security Standards' `restricted` level requires `false`.

## Example
```yaml
# base                                   # head
spec:                                    spec:
  containers:                              securityContext:
    - name: db                               runAsUser: 999
      securityContext:                       runAsNonRoot: true
        runAsUser: 999                     containers:
        allowPrivilegeEscalation: false      - name: db
```

## How to resolve
Set `allowPrivilegeEscalation: false` in each container's `securityContext`, or approve the
finding with the reason the container needs setuid binaries.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import (
    WORKLOAD_TYPES,
    Container,
    effective_security,
    pair_containers,
    pod_spec,
)
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

FIELD = "allowPrivilegeEscalation"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None:
            continue
        was = effective_security(change.before, before, FIELD)
        if was.value is not False:
            continue
        now = effective_security(change.after, after, FIELD)
        if now.value is False:
            continue
        shown = "true" if now.value is True else "absent (defaults to true)"
        yield Hit(
            message=f"{after.label} of {change.after.label}: allowPrivilegeEscalation false → {shown}"
            + _why(change.after, after),
            attr=f"{after.attr}.securityContext.{FIELD}",
            head_route=now.route or (*after.route, "securityContext", FIELD),
            base_route=was.route,
            before=False,
            after=now.value,
        )


def _why(obj: ModelObject, c: Container) -> str:
    """Name the container-to-pod move when that is how the field was lost."""
    psc = pod_spec(obj).get("securityContext")
    if isinstance(psc, dict) and FIELD in psc:
        return (
            "; the pod-level securityContext has no allowPrivilegeEscalation field, so setting it there has no effect"
        )
    if isinstance(psc, dict) and psc and not c.body.get("securityContext"):
        return "; the container securityContext was replaced by a pod-level one, which cannot carry this field"
    return ""


RULE = Rule(
    code="K8S002",
    name="privilege-escalation-allowed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
