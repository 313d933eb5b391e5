"""A Role or ClusterRole now grants sensitive permissions it did not grant before.

## What it does
Expands `rules[]` into (apiGroup, resource, verb, resourceNames) grants and reports head grants
that no base grant already covers (with the authorizer's own wildcard and subresource matching)
and that are sensitive: any `*` (verbs, resources, apiGroups, nonResourceURLs); reading
`secrets`; `pods/exec`, `pods/attach`, `pods/portforward`, `pods/ephemeralcontainers`,
`nodes/proxy`, `serviceaccounts/token`; the verbs `escalate`, `bind` and `impersonate`. Also on
newly added roles. Reordering or splitting rules, narrowing them (removing `nodes/proxy`) and
adding ordinary permissions (`get configmaps`) are silent.

## Why is this bad?
Each of these is a known path to more privilege: secrets hold other identities' credentials,
`exec`/`attach` and `nodes/proxy` run commands in other workloads, `escalate`/`bind` let a
subject grant itself any role, `impersonate` act as anyone, and `*` includes all of them and
whatever API the cluster adds next.

## Example
```yaml
# base                                  # head
rules:                                  rules:
  - apiGroups: [""]                       - apiGroups: [""]
    resources: [pods]                       resources: [pods, pods/exec]
    verbs: [get, list]                      verbs: [get, list, create]
```

## How to resolve
Grant the narrowest resources and verbs the workload needs (with `resourceNames` where possible),
or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.rbac import WILDCARD, Grant, covers, grants
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

SENSITIVE_RESOURCES = frozenset(
    {
        "pods/exec",
        "pods/attach",
        "pods/portforward",
        "pods/ephemeralcontainers",
        "nodes/proxy",
        "serviceaccounts/token",
    }
)
SENSITIVE_VERBS = frozenset({"escalate", "bind", "impersonate"})
READ_VERBS = frozenset({"get", "list", "watch", WILDCARD})


def sensitive(g: Grant) -> bool:
    if WILDCARD in (g.verb, g.group, g.resource) or (g.url and g.group.endswith(WILDCARD)):
        return True
    if g.url:
        return False
    if g.verb in SENSITIVE_VERBS or g.resource in SENSITIVE_RESOURCES:
        return True
    return g.resource == "secrets" and g.group == "" and g.verb in READ_VERBS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    now = grants(head.body)
    was = grants(change.before.body) if change.before is not None else []
    if now is None or was is None:
        return
    new = [g for g in now if sensitive(g) and not any(covers(b, g) for b in was)]
    by_target: dict[tuple[bool, str, str], list[Grant]] = {}
    for g in new:
        by_target.setdefault((g.url, g.group, g.resource), []).append(g)
    for (url, group, resource), gs in sorted(by_target.items()):
        verbs = sorted({g.verb for g in gs})
        target = group if url else (resource if not group else f"{resource}.{group}")
        where = "new " if change.before is None else ""
        wild = WILDCARD in verbs and (url or WILDCARD in (group, resource))
        yield Hit(
            message=f"{where}{head.label} {'grants' if where else 'now grants'} {', '.join(verbs)} on {target}"
            + (f" (names: {', '.join(sorted(gs[0].names))})" if gs[0].names else ""),
            attr=f"rules[{'url:' if url else ''}{group}/{resource}]",
            head_route=gs[0].route,
            before=None,
            after=[g.text for g in gs],
            severity=Severity.CRITICAL if wild else None,
        )


RULE = Rule(
    code="K8S016",
    name="rbac-rules-widened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "Role"), (FAMILY, "ClusterRole")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
