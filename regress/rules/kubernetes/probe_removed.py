"""A container lost its readiness, liveness or startup probe.

## What it does
Reports a container of a changed workload that had a `readinessProbe`, `livenessProbe` or
`startupProbe` in the base and has none in the head. Switching a probe's type (`tcpSocket` →
`httpGet`) or tuning it is not a removal; removing the whole container (a sidecar) is not either.

## Why is this bad?
Without a readiness probe, traffic reaches pods before they can serve and during their failures;
without a liveness probe, a hung process is never restarted. Both are how the cluster *sees* the
application's health.

## Example
```yaml
# base                                 # head
- name: minio                          - name: minio
  readinessProbe:                        livenessProbe:
    httpGet: {path: /ready, port: 9000}    httpGet: {path: /live, port: 9000}
  livenessProbe:
    httpGet: {path: /live, port: 9000}
```

## How to resolve
Restore the probe, or approve the finding saying what now tells the cluster the container is
healthy.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

PROBES = ("readinessProbe", "livenessProbe", "startupProbe")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None or after.list_name != "containers":
            continue
        for probe in PROBES:
            if isinstance(before.body.get(probe), dict) and not after.body.get(probe):
                yield Hit(
                    message=f"{after.label} of {change.after.label} no longer has a {probe}",
                    attr=f"{after.attr}.{probe}",
                    head_route=after.route,
                    base_route=(*before.route, probe),
                    before=before.body.get(probe),
                    after=None,
                    severity=Severity.HIGH if probe == "readinessProbe" else None,
                )


RULE = Rule(
    code="K8S026",
    name="probe-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
