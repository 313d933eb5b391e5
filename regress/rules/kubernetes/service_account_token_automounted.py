"""The service account token is mounted into pods again.

## What it does
Reports `automountServiceAccountToken: false` going to `true` or absent on a pod spec or on a
ServiceAccount. For a pod, absent falls back to its ServiceAccount's setting: when the head's
ServiceAccount (found beside the workload) still says `false`, the token stays unmounted and
nothing is reported.

## Why is this bad?
The token is a credential for the Kubernetes API with whatever the service account's RBAC
allows; any code running in the pod (including an attacker's) can read it from
`/var/run/secrets/kubernetes.io/serviceaccount`. The API default is to mount it.

## Example
```yaml
# base                                   # head
spec:                                    spec:
  automountServiceAccountToken: false      containers: [...]
  containers: [...]
```

## How to resolve
Keep `automountServiceAccountToken: false` unless the workload calls the API, or approve the
finding saying which API calls it makes.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import namespace
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pod_field, pod_spec_route
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners

FIELD = "automountServiceAccountToken"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None or head is None:
        return
    if head.type == "ServiceAccount":
        was, now = get_path(base.body, (FIELD,)), get_path(head.body, (FIELD,))
        if was is False and now is not False:
            yield Hit(
                message=f"{head.label} mounts its token into pods again ({FIELD} false → {_show(now)})",
                attr=FIELD,
                head_route=(FIELD,),
                base_route=(FIELD,),
                before=False,
                after=now,
            )
        return
    was_s, now_s = pod_field(base, FIELD), pod_field(head, FIELD)
    if was_s.value is not False or now_s.value is False:
        return
    if now_s.value is None and _account_opts_out(ctx, head):
        return
    yield Hit(
        message=f"{head.label} mounts the service account token again ({FIELD} false → {_show(now_s.value)})",
        attr=f"spec.{FIELD}",
        head_route=now_s.route or (*(pod_spec_route(head) or ()), FIELD),
        base_route=was_s.route,
        before=False,
        after=now_s.value,
    )


def _account_opts_out(ctx: RuleContext, workload: ModelObject) -> bool:
    """Whether the head ServiceAccount the pod runs as has automount switched off."""
    sa = pod_field(workload, "serviceAccountName").value or pod_field(workload, "serviceAccount").value or "default"
    for obj in partners(ctx, "head", workload):
        if obj.type == "ServiceAccount" and obj.key[3] == sa and namespace(obj) == namespace(workload):
            return get_path(obj.body, (FIELD,)) is False
    return False


def _show(value: object) -> str:
    return "true" if value is True else "absent (defaults to true)" if value is None else str(value)


RULE = Rule(
    code="K8S012",
    name="service-account-token-automounted",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*((FAMILY, t) for t in WORKLOAD_TYPES), (FAMILY, "ServiceAccount")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
