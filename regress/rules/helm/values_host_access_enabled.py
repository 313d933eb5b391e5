"""A chart's values give its pods the host's network, process or IPC namespace, or privileges.

## What it does
Reports a values key named `hostNetwork`, `hostPID`, `hostIPC` or `privileged` (at any depth,
case-insensitively, outside `securityContext` blocks, which `values-security-context-weakened`
reads) that is now true and was not, including a key that is new. Charts pass these straight
into the pod spec or the container's security context.

## Why is this bad?
A pod on the host's network sees every connection of the node and can bind its ports; `hostPID`
lets it inspect and signal every process on the node; `hostIPC` shares the node's shared memory;
a privileged container is root on the node. Each turns a compromise of the workload into a
compromise of the node.

## Example
```yaml
# base values.yaml              # head values.yaml
hostNetwork: false              hostNetwork: true
```

## How to resolve
Keep the pod in its own namespaces, or approve the finding with the reason (a CNI or node agent
that needs them). When the chart renders, the Kubernetes rules report the rendered pods and this
finding steps back.

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
    MAX_DEPTH,
    STATUSES,
    WATCHES,
    qualifier,
    rendered_identities,
    show,
    text,
    truthy,
    where,
)

NAMES = frozenset({"hostnetwork", "hostpid", "hostipc", "privileged"})


def switches(values: Any, route: Route = ()) -> dict[tuple[str, ...], tuple[Route, Any]]:
    """The keys named ``NAMES`` outside securityContext blocks, by lower-cased route."""
    out: dict[tuple[str, ...], tuple[Route, Any]] = {}
    if len(route) >= MAX_DEPTH or not isinstance(values, dict):
        return out
    for key, value in values.items():
        if not isinstance(key, str) or key.lower().endswith("securitycontext"):
            continue
        sub = (*route, key)
        if key.lower() in NAMES and not isinstance(value, dict):
            out[tuple(str(s).lower() for s in sub)] = (sub, value)
        else:
            out.update(switches(value, sub))
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    base = switches(change.before.body)
    yields: tuple[str, ...] | None = None
    for key, (route, now) in sorted(switches(change.after.body).items()):
        if truthy(now) is not True:
            continue
        was_route, was = base.get(key, (None, None))
        if truthy(was) is True:
            continue
        if yields is None:
            yields = rendered_identities(change, ctx, WORKLOAD_TYPES)
        yield Hit(
            message=f"{where(change)}: {text(route)} {show(was)} → true{qualifier(change)}",
            attr=text(route),
            head_route=route,
            base_route=was_route,
            before=was,
            after=True,
            severity=Severity.CRITICAL if key[-1] == "privileged" else None,
            yields_to=yields,
        )


RULE = Rule(
    code="HLM016",
    name="values-host-access-enabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
