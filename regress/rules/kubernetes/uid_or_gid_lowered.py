"""A container's user or group ID moved towards root.

## What it does
Compares effective IDs (container `securityContext` over the pod's) per container, and the
pod-level `fsGroup` and `supplementalGroups`:

- `runAsUser` non-zero → `0`: high. ≥ 10000 → below 10000 (but not 0): low. An explicit non-zero
  UID → absent (the image's `USER`, often root): medium, unless `runAsNonRoot: true` still guards
  it (and if `runAsNonRoot` was dropped too, `run-as-root-allowed` reports that instead).
- `runAsGroup` non-zero → `0` or absent (absent means the runtime default, the image's group,
  which is root for most images): medium; ≥ 10000 → below 10000: low.
- `fsGroup` non-zero → `0`, `supplementalGroups` gaining `0`: medium.

Moving between non-root IDs at or above 10000 (65534 → 12345) is silent, and so is moving the
setting between the container and the pod level.

## Why is this bad?
UID 0 in a container is root on the node's kernel, held back only by capabilities and seccomp; GID
0 gives access to every root-group file on mounted volumes. IDs below 10000 can collide with
users of the node (Checkov CKV_K8S_40 and kube-score ask for ≥ 10000).

## Example
```yaml
# base                          # head
securityContext:                securityContext:
  runAsUser: 10001                runAsUser: 0
```

## How to resolve
Keep a dedicated non-root ID, or approve the finding with the reason root is needed.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import (
    WORKLOAD_TYPES,
    effective_security,
    from_pod_level,
    pair_containers,
    pod_security,
    pod_spec_route,
)
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: Checkov CKV_K8S_40 and kube-score's container-security-context-user-group-id ask for IDs
#: ≥ 10000, above the range where node users live.
HIGH_ID = 10000


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    base, head = change.before, change.after
    if base is None or head is None:
        return
    pod = tuple(pod_spec_route(head) or ())
    for before, after in pair_containers(base, head):
        if before is None or after is None:
            continue
        for field in ("runAsUser", "runAsGroup"):
            was = effective_security(base, before, field)
            now = effective_security(head, after, field)
            verdict = _judge(field, _id(was.value), _id(now.value), now.value)
            if verdict is None:
                continue
            if field == "runAsUser" and now.value is None:
                guard = effective_security(head, after, "runAsNonRoot").value
                was_guarded = effective_security(base, before, "runAsNonRoot").value
                if guard is True or was_guarded is True:
                    continue  # still guarded, or run-as-root-allowed reports the lost guard
            severity, shown = verdict
            pod_scope = from_pod_level(base, was) and (now.route is None or from_pod_level(head, now))
            who = f"the pod of {head.label}" if pod_scope else f"{after.label} of {head.label}"
            yield Hit(
                message=f"{who}: {field} {was.value} → {shown}",
                attr=f"securityContext.{field}" if pod_scope else f"{after.attr}.securityContext.{field}",
                head_route=now.route or (*(pod if pod_scope else after.route), "securityContext", field),
                base_route=was.route,
                before=was.value,
                after=now.value,
                severity=severity,
            )
    was_fs, now_fs = pod_security(base, "fsGroup"), pod_security(head, "fsGroup")
    if _id(was_fs.value) not in (None, 0) and _id(now_fs.value) == 0:
        yield Hit(
            message=f"the pod of {head.label}: fsGroup {was_fs.value} → 0 (volumes become owned by the root group)",
            attr="securityContext.fsGroup",
            head_route=now_fs.route,
            base_route=was_fs.route,
            before=was_fs.value,
            after=0,
        )
    was_sg, now_sg = pod_security(base, "supplementalGroups"), pod_security(head, "supplementalGroups")
    if _has_root(now_sg.value) and not _has_root(was_sg.value):
        yield Hit(
            message=f"the pod of {head.label}: supplementalGroups now include 0 (the root group)",
            attr="securityContext.supplementalGroups",
            head_route=now_sg.route,
            base_route=was_sg.route,
            before=was_sg.value,
            after=now_sg.value,
        )


def _has_root(value: Any) -> bool:
    return isinstance(value, list) and any(_id(v) == 0 for v in value)


def _judge(field: str, was: int | None, now: int | None, raw_now: Any) -> tuple[Severity, str] | None:
    """(severity, how the head value reads) when the move is towards root, else None."""
    if was is None or was == 0:
        return None
    if now is None:
        if raw_now is not None:
            return None  # not a literal number: unknown, not weaker
        if field == "runAsGroup":
            return Severity.MEDIUM, "absent (the runtime default applies: the image's group, often root)"
        return Severity.MEDIUM, "absent (the image's USER applies, which may be root)"
    if now == 0:
        return (Severity.HIGH if field == "runAsUser" else Severity.MEDIUM), "0 (root)"
    if was >= HIGH_ID > now:
        return Severity.LOW, f"{now} (below {HIGH_ID}, where node users live)"
    return None


RULE = Rule(
    code="K8S004",
    name="uid-or-gid-lowered",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
