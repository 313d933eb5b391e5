"""Persistent data is now deleted with the object that owned it.

## What it does
- StatefulSet `persistentVolumeClaimRetentionPolicy.whenDeleted` or `.whenScaled`:
  `Retain` (the default) → `Delete`.
- StorageClass `reclaimPolicy`: `Retain` → `Delete` or absent (the default is `Delete`).
- PersistentVolume `persistentVolumeReclaimPolicy`: `Retain` (the default for volumes created by
  hand) → `Delete` or `Recycle`.

Changes towards `Retain` are silent.

## Why is this bad?
With `Delete`, removing the StatefulSet (or scaling it down, or deleting the claim) deletes the
volumes and, for most provisioners, the disks behind them: an accidental `kubectl delete` or a
botched release becomes data loss with no way back.

## Example
```yaml
# base                                   # head
persistentVolumeClaimRetentionPolicy:    persistentVolumeClaimRetentionPolicy:
  whenDeleted: Retain                      whenDeleted: Delete
```

## How to resolve
Keep `Retain`, or approve the finding stating where the data is backed up.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Change, Route, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: (route, default) of each retention setting per kind (Kubernetes API reference: StatefulSetSpec,
#: StorageClass, PersistentVolumeSpec).
SETTINGS: dict[str, tuple[tuple[Route, str], ...]] = {
    "StatefulSet": (
        (("spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"), "Retain"),
        (("spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"), "Retain"),
    ),
    "StorageClass": ((("reclaimPolicy",), "Delete"),),
    "PersistentVolume": ((("spec", "persistentVolumeReclaimPolicy"), "Retain"),),
}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    base, head = change.before, change.after
    if base is None or head is None:
        return
    for route, default in SETTINGS.get(head.type, ()):
        raw_was, raw_now = get_path(base.body, route), get_path(head.body, route)
        was, now = raw_was or default, raw_now or default
        if was != "Retain" or now not in ("Delete", "Recycle"):
            continue
        field = route[-1]
        shown = now if raw_now is not None else f"absent ({default})"
        yield Hit(
            message=f"{head.label}: {field} Retain → {shown}: the data is deleted with its owner",
            attr=".".join(route),
            head_route=route,
            base_route=route,
            before=was,
            after=now,
        )


RULE = Rule(
    code="K8S035",
    name="volume-retention-weakened",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in SETTINGS),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
