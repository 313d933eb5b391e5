"""A namespace's Pod Security admission level was lowered.

## What it does
Reads the Namespace labels `pod-security.kubernetes.io/enforce`, `…/audit` and `…/warn` with the
order `restricted` > `baseline` > `privileged` and reports a mode whose level went down; a label
removed counts as `privileged`, the admission controller's default when the cluster does not
configure another one. Lowering `enforce` is high severity; `audit` and `warn` only change what is
logged or shown, and are low.

## Why is this bad?
Pod Security admission is what rejects privileged pods, host namespaces, hostPath volumes and
root containers in the namespace. Lowering `enforce` lets every workload in it do those things,
without any change to the workloads themselves.

## Example
```yaml
# base                                              # head
labels:                                             labels:
  pod-security.kubernetes.io/enforce: restricted      pod-security.kubernetes.io/enforce: baseline
```

## How to resolve
Keep the level, move the workload that needs more into a namespace of its own, or approve the
finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Change, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

LEVELS = {"privileged": 0, "baseline": 1, "restricted": 2}
PREFIX = "pod-security.kubernetes.io/"
MODES = {"enforce": Severity.HIGH, "audit": Severity.LOW, "warn": Severity.LOW}


def level(labels: Any, mode: str) -> tuple[int | None, str]:
    value = labels.get(PREFIX + mode) if isinstance(labels, dict) else None
    if value is None:
        return LEVELS["privileged"], "absent (privileged)"
    if isinstance(value, str) and value in LEVELS:
        return LEVELS[value], value
    return None, str(value)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    was_labels = get_path(change.before.body, ("metadata", "labels"))
    now_labels = get_path(change.after.body, ("metadata", "labels"))
    for mode, severity in MODES.items():
        was, was_text = level(was_labels, mode)
        now, now_text = level(now_labels, mode)
        if was is None or now is None or now >= was:
            continue
        key = PREFIX + mode
        yield Hit(
            message=f"{change.after.label}: Pod Security {mode} level {was_text} → {now_text}",
            attr=f"metadata.labels[{key}]",
            head_route=("metadata", "labels", key),
            base_route=("metadata", "labels", key),
            before=was_text,
            after=now_text,
            severity=severity,
        )


RULE = Rule(
    code="K8S021",
    name="pod-security-level-lowered",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "Namespace"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
