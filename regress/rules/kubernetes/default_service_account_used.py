"""A workload moved from its own service account to the namespace's `default` one.

## What it does
Reports a pod spec whose `serviceAccountName` (or the deprecated `serviceAccount`) named a
dedicated account in the base and is `default` or absent (which means `default`) in the head.
Switching between two dedicated accounts is silent.

## Why is this bad?
The `default` account is shared by every pod in the namespace that does not name one: whatever
RBAC it is granted, now or later, every such pod gets, and audit logs can no longer tell the
workloads apart.

## Example
```yaml
# base                              # head
spec:                               spec:
  serviceAccountName: billing-api     containers: [...]
  containers: [...]
```

## How to resolve
Keep a dedicated service account per workload, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, Setting, pod_field, pod_spec_route
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS


def account(obj: ModelObject) -> Setting:
    """The effective service account: `serviceAccountName`, else the deprecated `serviceAccount`."""
    named = pod_field(obj, "serviceAccountName")
    return named if named.value is not None else pod_field(obj, "serviceAccount")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    was, now = account(change.before), account(change.after)
    if not isinstance(was.value, str) or was.value in ("", "default"):
        return
    if now.value is not None and now.value not in ("", "default"):
        return
    shown = "default" if now.value else "absent (default)"
    yield Hit(
        message=f"{change.after.label} now runs as the namespace's default service account "
        f"(serviceAccountName {was.value} → {shown})",
        attr="spec.serviceAccountName",
        head_route=now.route or (*(pod_spec_route(change.after) or ()), "serviceAccountName"),
        base_route=was.route,
        before=was.value,
        after=now.value,
    )


RULE = Rule(
    code="K8S013",
    name="default-service-account-used",
    category=Category.SECURITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
