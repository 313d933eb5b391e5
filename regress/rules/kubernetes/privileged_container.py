"""A container now runs privileged.

## What it does
Reports a container (including init and ephemeral containers) whose effective
`securityContext.privileged` becomes `true`, in a changed or newly added workload.

## Why is this bad?
A privileged container has every capability and access to all host devices: escaping to the node
is a matter of mounting its disk. Kubernetes' Pod Security Standards forbid it at both the
`baseline` and `restricted` levels.

## Example
```yaml
# base                              # head
containers:                         containers:
  - name: app                         - name: app
    image: web:1.4                      image: web:1.4
                                        securityContext:
                                          privileged: true
```

## How to resolve
Grant the specific capability the container needs (`capabilities.add: [NET_ADMIN]`) instead, or
approve the finding with the reason the workload must be privileged (a CNI or storage driver).

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


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if after is None:
            continue
        now = effective_security(change.after, after, "privileged")
        if now.value is not True:
            continue
        was = effective_security(change.before, before, "privileged") if before and change.before else None
        if was is not None and was.value is True:
            continue
        yield Hit(
            message=f"{after.label} of {change.after.label} now runs privileged "
            f"(securityContext.privileged: {'absent' if was is None or was.value is None else was.value} → true)",
            attr=f"{after.attr}.securityContext.privileged",
            head_route=now.route,
            base_route=(was.route if was and was.route else (before.route if before else None)),
            before=was.value if was else None,
            after=True,
        )


RULE = Rule(
    code="K8S001",
    name="privileged-container",
    category=Category.SECURITY,
    severity=Severity.CRITICAL,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
