"""A container lost its ephemeral-storage request or limit.

## What it does
Per container (init containers included), reports `resources.limits` or `resources.requests`
losing `ephemeral-storage` (a request not set takes the limit's value). Raising or lowering the
value, and removing the container, are silent.

## Why is this bad?
Without an ephemeral-storage limit a container writing logs or temporary files into its writable
layer or an `emptyDir` can fill the node's disk; the kubelet then evicts pods under disk pressure,
its neighbours included. Without a request the scheduler does not account for the space.

## Example
```yaml
# base                                  # head
resources:                              resources:
  limits:                                 limits:
    memory: 256Mi                           memory: 256Mi
    ephemeral-storage: 1Gi
```

## How to resolve
Restore the value, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.resources_removed import removed_resources


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    yield from removed_resources(change, ("ephemeral-storage",), lambda kind, name: False)


RULE = Rule(
    code="K8S030",
    name="ephemeral-storage-limit-removed",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
