"""A chart's values fall back to the default service account or mount its token again.

## What it does
Reports, in any values block named `serviceAccount` (at any depth, case-insensitively):

- `create: true` → `false` (or the block gone while its parent stays) with no `name` left to
  use an existing account: the pods run as the namespace's `default` service account;
- `automount` or `automountServiceAccountToken`: `false` → `true` or absent;

and any other `automountServiceAccountToken` key (the pod-level convention, e.g. Bitnami's
top-level key) going from `false` to `true` or absent. Kubernetes mounts the token unless told
not to, so a switch that disappears mounts it again.

## Why is this bad?
The `default` service account is shared by everything in the namespace, so any permission granted
to it (or to one of its neighbours' pods) is shared too. A mounted token lets a compromised
container talk to the API server with the pod's identity.

## Example
```yaml
# base values.yaml                  # head values.yaml
serviceAccount:                     serviceAccount:
  create: true                        create: false
  automount: false                    automount: true
```

## How to resolve
Keep the dedicated account and the token unmounted, or approve the finding with the reason the
workload needs the API. When the chart renders, the Kubernetes rules report the rendered pods and
service accounts and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import (
    KINDS,
    STATUSES,
    WATCHES,
    blocks,
    paired,
    parent_exists,
    qualifier,
    rendered_identities,
    show,
    text,
    truthy,
    where,
)

NAMES = frozenset({"serviceaccount"})
AUTOMOUNT = frozenset({"automount", "automountserviceaccounttoken"})
RENDERED = ("ServiceAccount", *WORKLOAD_TYPES)


def _named(block: Any) -> bool:
    name = block.get("name") if isinstance(block, dict) else None
    return isinstance(name, str) and bool(name.strip())


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, RENDERED)
    for _, base, head in paired(change, NAMES):
        if base is None or not isinstance(base[1], dict) or truthy(base[1].get("create")) is not True:
            continue
        if head is None:
            if not parent_exists(change.after.body, base[0]):
                continue
            now: Any = {}
            route, anchor = base[0], base[0][:-1]
        else:
            now, route = head[1], head[0]
            anchor = (*route, "create") if isinstance(now, dict) and "create" in now else route
        if not isinstance(now, dict) or truthy(now.get("create")) is True or _named(now):
            continue
        yield Hit(
            message=f"{where(change)}: {text(base[0])}.create true → {show(now.get('create'))} with no name: "
            f"pods run as the namespace's default service account{qualifier(change)}",
            attr=f"{text(route)}.create",
            head_route=anchor,
            base_route=(*base[0], "create"),
            before=True,
            after=now.get("create"),
            yields_to=yields,
        )
    yield from _automount(change, yields)


def _automount(change: Change, yields: tuple[str, ...]) -> Iterator[Hit]:
    assert change.before is not None and change.after is not None
    head_values = change.after.body
    head = blocks(head_values, AUTOMOUNT)
    for key, (base_route, was) in sorted(blocks(change.before.body, AUTOMOUNT).items()):
        if truthy(was) is not False:
            continue
        found = head.get(key)
        if found is None:
            if not parent_exists(head_values, base_route):
                continue
            route: Route = base_route[:-1]
            now: Any = None
        else:
            route, now = found
        if truthy(now) is False:
            continue
        yield Hit(
            message=f"{where(change)}: {text(base_route)} false → {show(now)}: the service account token is "
            f"mounted into the pods{qualifier(change)}",
            attr=text(base_route),
            head_route=route,
            base_route=base_route,
            before=False,
            after=now,
            yields_to=yields,
        )


RULE = Rule(
    code="HLM009",
    name="values-service-account-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
