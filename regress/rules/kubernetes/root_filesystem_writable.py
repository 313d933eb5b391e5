"""A container's root filesystem became writable.

## What it does
Reports a container (init containers included: a `chown` init container running as root is the
classic case) whose `securityContext.readOnlyRootFilesystem` was `true` in the base and is absent
or `false` in the head. The field exists only at container level, so moving the block to the pod's
`securityContext` loses it and is reported as well. Removing the container is not.

## Why is this bad?
A writable root filesystem lets an intruder drop tools and binaries into the container and modify
the application in place; a read-only one confines writes to the volumes you declared.

## Example
```yaml
# base                                 # head
initContainers:                        initContainers:
  - name: chown-data                     - name: chown-data
    securityContext:                       securityContext:
      runAsUser: 0                           runAsUser: 0
      readOnlyRootFilesystem: true           readOnlyRootFilesystem: false
```

## How to resolve
Keep `readOnlyRootFilesystem: true` and mount an `emptyDir` where the process must write, or
approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, effective_security, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

FIELD = "readOnlyRootFilesystem"


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
        shown = "false" if now.value is False else "absent (defaults to false)"
        yield Hit(
            message=f"{after.label} of {change.after.label}: readOnlyRootFilesystem true → {shown}",
            attr=f"{after.attr}.securityContext.{FIELD}",
            head_route=now.route or (*after.route, "securityContext", FIELD),
            base_route=was.route,
            before=True,
            after=now.value,
        )


RULE = Rule(
    code="K8S005",
    name="root-filesystem-writable",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
