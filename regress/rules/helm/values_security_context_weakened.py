"""A chart's values weaken a securityContext.

## What it does
Compares every values block whose name ends in `securityContext` (`securityContext`,
`podSecurityContext`, `containerSecurityContext`, `initChownData.securityContext`, …; at any depth)
field by field, each in its own direction:

- `privileged` becomes true; `allowPrivilegeEscalation` false → true/absent;
- `readOnlyRootFilesystem` true → false/absent;
- `runAsNonRoot` true → false/absent (unless a non-zero `runAsUser` stays in the block);
- `runAsUser`, `runAsGroup`, `fsGroup` non-zero → 0;
- `capabilities.drop` loses `ALL`; `capabilities.add` gains entries;
- `seccompProfile.type` `RuntimeDefault`/`Localhost` → `Unconfined`/absent;
- `enabled` true → false (the Bitnami convention that switches the whole block off).

A block removed while its component stays counts as every field becoming absent. Moving UIDs
between non-root values (65534 → 12345) is not a weakening.

## Why is this bad?
These settings are the container's sandbox: each one relaxed is a step towards root on the node.
Moving a block from container to pod level loses `allowPrivilegeEscalation`,
`readOnlyRootFilesystem` and `capabilities`, which exist only on containers.

## Example
```yaml
# base values.yaml                  # head values.yaml
securityContext:                    securityContext:
  capabilities:                       capabilities:
    drop: [ALL]                         add: [NET_RAW]
```

## How to resolve
Restore the setting, or approve the finding with the reason the workload needs it. When the
chart renders, the Kubernetes rules report the rendered containers and this finding steps back.

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
    parent_exists,
    qualifier,
    rendered_identities,
    show,
    text,
    truthy,
    where,
)


def _blocks(values: Any, route: Route = ()) -> dict[tuple[str, ...], tuple[Route, Any]]:
    out: dict[tuple[str, ...], tuple[Route, Any]] = {}
    if len(route) >= MAX_DEPTH or not isinstance(values, dict):
        return out
    for key, value in values.items():
        if not isinstance(key, str):
            continue
        sub = (*route, key)
        if key.lower().endswith("securitycontext") and isinstance(value, dict):
            out[tuple(str(s).lower() for s in sub)] = (sub, value)
        else:
            out.update(_blocks(value, sub))
    return out


def _uid(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _caps(block: dict[str, Any], field: str) -> set[str]:
    caps = block.get("capabilities")
    items = caps.get(field) if isinstance(caps, dict) else None
    return {str(i).upper() for i in items} if isinstance(items, list) else set()


def _seccomp(block: dict[str, Any]) -> Any:
    profile = block.get("seccompProfile")
    return profile.get("type") if isinstance(profile, dict) else None


def weakenings(was: dict[str, Any], now: dict[str, Any]) -> Iterator[tuple[str, Any, Any, Severity | None]]:
    """(field, before, after, severity) for every field of ``now`` weaker than in ``was``."""
    if truthy(now.get("privileged")) is True and truthy(was.get("privileged")) is not True:
        yield "privileged", was.get("privileged"), True, Severity.CRITICAL
    if (
        truthy(was.get("allowPrivilegeEscalation")) is False
        and truthy(now.get("allowPrivilegeEscalation")) is not False
    ):
        yield "allowPrivilegeEscalation", False, now.get("allowPrivilegeEscalation"), None
    if truthy(was.get("readOnlyRootFilesystem")) is True and truthy(now.get("readOnlyRootFilesystem")) is not True:
        yield "readOnlyRootFilesystem", True, now.get("readOnlyRootFilesystem"), None
    if truthy(was.get("runAsNonRoot")) is True and truthy(now.get("runAsNonRoot")) is not True:
        uid = _uid(now.get("runAsUser"))
        if uid is None or uid == 0:
            yield "runAsNonRoot", True, now.get("runAsNonRoot"), None
    for field in ("runAsUser", "runAsGroup", "fsGroup"):
        before, after = _uid(was.get(field)), _uid(now.get(field))
        if before is not None and before > 0 and after == 0:
            yield field, before, 0, Severity.HIGH
    if "ALL" in _caps(was, "drop") and "ALL" not in _caps(now, "drop"):
        yield "capabilities.drop", sorted(_caps(was, "drop")), sorted(_caps(now, "drop")), None
    added = _caps(now, "add") - _caps(was, "add")
    if added:
        yield "capabilities.add", sorted(_caps(was, "add")), sorted(_caps(now, "add")), None
    if _seccomp(was) in ("RuntimeDefault", "Localhost") and _seccomp(now) not in ("RuntimeDefault", "Localhost"):
        yield "seccompProfile.type", _seccomp(was), _seccomp(now), None
    if truthy(was.get("enabled")) is True and truthy(now.get("enabled")) is False:
        yield "enabled", True, False, None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    base = _blocks(change.before.body)
    head = _blocks(change.after.body)
    yields = rendered_identities(change, ctx, WORKLOAD_TYPES)
    for key in sorted(base):
        base_route, was = base[key]
        if key in head:
            head_route, now = head[key]
        elif parent_exists(change.after.body, base_route):
            head_route, now = base_route[:-1], {}
        else:
            continue
        if truthy(was.get("enabled")) is False:
            continue  # a switched-off block sets nothing
        for field, before, after, severity in weakenings(was, now):
            route = (*head_route, *field.split(".")) if key in head else head_route
            yield Hit(
                message=f"{where(change)}: {text(base_route)}.{field} {show(before)} → {show(after)}"
                f"{qualifier(change)}",
                attr=f"{text(base_route)}.{field}",
                head_route=route,
                base_route=(*base_route, *field.split(".")),
                before=before,
                after=after,
                severity=severity,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM007",
    name="values-security-context-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
