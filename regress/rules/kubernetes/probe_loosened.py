"""A readiness or liveness probe now takes longer to notice a failure.

## What it does
For a container whose readiness or liveness probe exists on both sides, compares the probe's
timing with the kubelet's defaults filled in (`periodSeconds` 10, `failureThreshold` 3,
`timeoutSeconds` 1, `initialDelaySeconds` 0):

- the detection window `periodSeconds × failureThreshold` grows (so 10 s × 3 → 5 s × 6 is no
  change);
- `timeoutSeconds` grows;
- `initialDelaySeconds` grows by at least the `initial-delay-increase` option;
- the liveness probe becomes identical to the readiness probe (kube-score
  `pod-probes-identical`: a slow dependency then restarts the container instead of taking it out
  of the Service).

Switching the probe's handler (`tcpSocket` → `httpGet`) and tightening are silent; a removed
probe is `probe-removed`'s, and startup probes exist to be generous.

## Why is this bad?
A looser probe keeps sending traffic to, or keeps alive, a container that stopped working for
longer: minutes of errors before the cluster reacts.

## Example
```yaml
# base                          # head
readinessProbe:                 readinessProbe:
  httpGet: {path: /ready}         httpGet: {path: /ready}
  periodSeconds: 5                periodSeconds: 30
```

## How to resolve
Keep the probe's timing, or approve the finding with the reason (a slow endpoint).

## Options
`initial-delay-increase` (integer, default 60): seconds `initialDelaySeconds` must grow by
before it is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.diff import canon
from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Option, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: Probe defaults (Kubernetes API reference, Probe v1).
DEFAULTS = {"periodSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 1, "initialDelaySeconds": 0}
PROBES = ("readinessProbe", "livenessProbe")


def timing(probe: dict[str, Any], field: str) -> int | None:
    value = probe.get(field)
    if value is None:
        return DEFAULTS[field]
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    slack = ctx.option("initial-delay-increase")
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None or after.list_name != "containers":
            continue
        for probe in PROBES:
            was, now = before.body.get(probe), after.body.get(probe)
            if not isinstance(was, dict) or not isinstance(now, dict):
                continue
            changes = _loosened(was, now, slack if isinstance(slack, int) else 60)
            if changes:
                yield Hit(
                    message=f"{after.label} of {change.after.label}: {probe} loosened ({'; '.join(changes)})",
                    attr=f"{after.attr}.{probe}",
                    head_route=(*after.route, probe),
                    base_route=(*before.route, probe),
                    before={k: timing(was, k) for k in DEFAULTS},
                    after={k: timing(now, k) for k in DEFAULTS},
                )
        live, ready = after.body.get("livenessProbe"), after.body.get("readinessProbe")
        was_live, was_ready = before.body.get("livenessProbe"), before.body.get("readinessProbe")
        if (
            isinstance(live, dict)
            and isinstance(ready, dict)
            and canon(live) == canon(ready)
            and not (isinstance(was_live, dict) and isinstance(was_ready, dict) and canon(was_live) == canon(was_ready))
        ):
            yield Hit(
                message=f"{after.label} of {change.after.label}: livenessProbe is now identical to readinessProbe, "
                "so a failing dependency restarts the container instead of only taking it out of the Service",
                attr=f"{after.attr}.livenessProbe.identical",
                head_route=(*after.route, "livenessProbe"),
                base_route=(*before.route, "livenessProbe"),
            )


def _loosened(was: dict[str, Any], now: dict[str, Any], slack: int) -> list[str]:
    out: list[str] = []
    wp, wf, np_, nf = (
        timing(was, "periodSeconds"),
        timing(was, "failureThreshold"),
        timing(now, "periodSeconds"),
        timing(now, "failureThreshold"),
    )
    if None not in (wp, wf, np_, nf):
        assert wp is not None and wf is not None and np_ is not None and nf is not None
        if np_ * nf > wp * wf:
            out.append(f"failure detected after {np_}s × {nf} = {np_ * nf}s instead of {wp}s × {wf} = {wp * wf}s")
    wt, nt = timing(was, "timeoutSeconds"), timing(now, "timeoutSeconds")
    if wt is not None and nt is not None and nt > wt:
        out.append(f"timeoutSeconds {wt} → {nt}")
    wd, nd = timing(was, "initialDelaySeconds"), timing(now, "initialDelaySeconds")
    if wd is not None and nd is not None and nd - wd >= slack:
        out.append(f"initialDelaySeconds {wd} → {nd}")
    return out


RULE = Rule(
    code="K8S028",
    name="probe-loosened",
    category=Category.MONITORING,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    options=(Option("initial-delay-increase", 60, "seconds initialDelaySeconds must grow by to be reported"),),
    statuses=frozenset({"modified", "renamed"}),
)
