"""A RoleBinding or ClusterRoleBinding now grants cluster-admin or reaches broad groups.

## What it does
Reports a binding whose `roleRef` becomes `cluster-admin`, and subjects gained that stand for
many identities: the groups `system:anonymous`, `system:unauthenticated`, `system:authenticated`,
`system:masters`, `system:serviceaccounts` (every service account) or
`system:serviceaccounts:<namespace>`, and the user `system:anonymous`. New bindings are checked
too. Removing subjects or pointing the binding at a narrower role is silent.

## Why is this bad?
`cluster-admin` is every permission on every object. Binding anything to `system:authenticated`
gives it to every identity that can log in (in managed clusters: every Google or AWS account,
historically), `system:anonymous`/`system:unauthenticated` to the internet if the API server is
reachable, and `system:masters` bypasses RBAC altogether.

## Example
```yaml
# base                                # head
roleRef:                              roleRef:
  kind: ClusterRole                     kind: ClusterRole
  name: view                            name: cluster-admin
```

## How to resolve
Bind a role with the permissions needed to the specific subjects that need them, or approve the
finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Change, Route, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

BROAD_GROUPS = frozenset(
    {"system:anonymous", "system:unauthenticated", "system:authenticated", "system:masters", "system:serviceaccounts"}
)
BROAD_USERS = frozenset({"system:anonymous"})


def broad_subjects(body: Any) -> dict[tuple[str, str], Route]:
    subjects = body.get("subjects") if isinstance(body, dict) else None
    out: dict[tuple[str, str], Route] = {}
    for i, s in enumerate(subjects if isinstance(subjects, list) else []):
        if not isinstance(s, dict) or not isinstance(s.get("name"), str):
            continue
        kind, name = s.get("kind"), s["name"]
        if (kind == "Group" and (name in BROAD_GROUPS or name.startswith("system:serviceaccounts:"))) or (
            kind == "User" and name in BROAD_USERS
        ):
            out[(str(kind), name)] = ("subjects", i)
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    base_body = change.before.body if change.before is not None else {}
    where = "new " if change.before is None else ""
    was_ref = get_path(base_body, ("roleRef", "name"))
    now_ref = get_path(head.body, ("roleRef", "name"))
    if now_ref == "cluster-admin" and was_ref != "cluster-admin":
        shown = f"{was_ref} → cluster-admin" if was_ref else "cluster-admin"
        yield Hit(
            message=f"{where}{head.label} grants cluster-admin (roleRef {shown})",
            attr="roleRef",
            head_route=("roleRef", "name"),
            base_route=("roleRef", "name") if change.before is not None else None,
            before=was_ref,
            after=now_ref,
        )
    was = broad_subjects(base_body)
    for (kind, name), route in sorted(broad_subjects(head.body).items()):
        if (kind, name) in was:
            continue
        yield Hit(
            message=f"{where}{head.label} binds {get_path(head.body, ('roleRef', 'name'))} to {kind} {name}",
            attr=f"subjects[{kind}:{name}]",
            head_route=route,
            after=name,
        )


RULE = Rule(
    code="K8S017",
    name="role-binding-widened",
    category=Category.SECURITY,
    severity=Severity.CRITICAL,
    kinds=KINDS,
    watches=((FAMILY, "RoleBinding"), (FAMILY, "ClusterRoleBinding")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
