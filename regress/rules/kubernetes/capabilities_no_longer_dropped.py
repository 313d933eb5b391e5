"""A container no longer drops Linux capabilities it dropped before.

## What it does
Compares each container's `securityContext.capabilities.drop` as a set. `drop: [ALL]` replaced by
anything without `ALL` (absent, `[NET_RAW]`) is high severity; losing individual entries from the
drop list is medium. A drop list that now includes `ALL` covers everything and is silent, and so is
removing the container. `capabilities` exists only at container level: a block moved to the pod's
`securityContext` loses it and is reported.

## Why is this bad?
A container started by containerd or CRI-O keeps the runtime's default capabilities (`CHOWN`,
`DAC_OVERRIDE`, `FOWNER`, `SETUID`, `NET_RAW`, …) unless they are dropped. `drop: [ALL]` is what
the Pod Security Standards' `restricted` level requires.

## Example
```yaml
# base                            # head
securityContext:                  securityContext:
  capabilities:                     capabilities:
    drop: [ALL]                       drop: [NET_RAW]
```

## How to resolve
Keep `drop: [ALL]` and add back only what the process needs, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, capability_set, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None:
            continue
        was = capability_set(before, "drop")
        now = capability_set(after, "drop")
        if not was or now is None or "ALL" in now:
            continue
        lost = frozenset({"ALL"}) if "ALL" in was else was - now
        if not lost:
            continue
        shown = f"[{', '.join(sorted(now))}]" if now else "absent"
        yield Hit(
            message=f"{after.label} of {change.after.label} no longer drops {', '.join(sorted(lost))}: "
            f"capabilities.drop [{', '.join(sorted(was))}] → {shown}",
            attr=f"{after.attr}.securityContext.capabilities.drop",
            head_route=(*after.route, "securityContext", "capabilities", "drop"),
            base_route=(*before.route, "securityContext", "capabilities", "drop"),
            before=sorted(was),
            after=sorted(now),
            severity=Severity.HIGH if "ALL" in lost else None,
        )


RULE = Rule(
    code="K8S007",
    name="capabilities-no-longer-dropped",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
