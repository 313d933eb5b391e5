"""A container lost its CPU or memory requests or limits.

## What it does
Per container (init containers included; not ephemeral ones, which cannot have resources),
compares `resources.limits` and `resources.requests` for `cpu` and `memory`, with a request that
is not set taking the limit's value as the API server defaults it. Reports each kind (limits,
requests) that lost entries: a lost memory limit is medium, the rest low. A commented-out block
counts as removed. Quantities compare canonically (`1Gi` = `1024Mi`, `1000m` = `1`): raising a
value is silent, and so is lowering one, except a memory limit cut to less than
`memory-limit-cut` of its base value (low). Removing the container is silent.

## Why is this bad?
Without a memory limit one leaking container can take the node's memory and get its neighbours
OOM-killed; without requests the scheduler places pods blind and they are evicted first under
pressure (BestEffort). A sharply cut memory limit turns normal peaks into OOM kills.

## Example
```yaml
# base                          # head
resources:                      resources: {}
  limits: {memory: 256Mi}
  requests: {cpu: 100m, memory: 128Mi}
```

## How to resolve
Restore the requests and limits (size them from observed usage), or approve the finding.

## Options
`memory-limit-cut` (number, default 0.5): a memory limit lowered below this fraction of its base
value is reported; 0 switches that check off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.quantity import parse_quantity
from regress.kinds.kubernetes.workload import RESOURCE_KINDS, WORKLOAD_TYPES, container_resources, pair_containers
from regress.model import Change
from regress.rules.base import Hit, Option, Rule, RuleContext
from regress.rules.kubernetes import KINDS

RESOURCES = ("cpu", "memory")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    yield from removed_resources(change, RESOURCES, lambda kind, name: kind == "limits" and name == "memory")
    cut = ctx.option("memory-limit-cut")
    if isinstance(cut, (int, float)) and not isinstance(cut, bool) and cut > 0:
        yield from _memory_cut(change, float(cut))


def removed_resources(change: Change, names: tuple[str, ...], serious: Callable[[str, str], bool]) -> Iterator[Hit]:
    """Hits for resources named in ``names`` that a container lost, one per (container, kind)."""
    if change.before is None or change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None or after.list_name == "ephemeralContainers":
            continue
        was, now = container_resources(before), container_resources(after)
        for kind in RESOURCE_KINDS:
            lost = sorted(n for n in names if (kind, n) in was and (kind, n) not in now)
            if not lost:
                continue
            shown = ", ".join(f"{n} {was[(kind, n)].value}" for n in lost)
            yield Hit(
                message=f"{after.label} of {change.after.label} no longer sets {kind} ({shown})",
                attr=f"{after.attr}.resources.{kind}[{','.join(lost)}]",
                head_route=(*after.route, "resources", kind),
                base_route=was[(kind, lost[0])].route,
                before={n: was[(kind, n)].value for n in lost},
                after=None,
                severity=Severity.MEDIUM if any(serious(kind, n) for n in lost) else Severity.LOW,
            )


def _memory_cut(change: Change, ratio: float) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None:
            continue
        was = container_resources(before).get(("limits", "memory"))
        now = container_resources(after).get(("limits", "memory"))
        if was is None or now is None:
            continue
        was_q, now_q = parse_quantity(was.value), parse_quantity(now.value)
        if was_q is None or now_q is None or was_q <= 0 or float(now_q / was_q) >= ratio:
            continue
        yield Hit(
            message=f"{after.label} of {change.after.label}: memory limit cut from {was.value} to {now.value}",
            attr=f"{after.attr}.resources.limits.memory",
            head_route=now.route,
            base_route=was.route,
            before=was.value,
            after=now.value,
            severity=Severity.LOW,
        )


RULE = Rule(
    code="K8S029",
    name="resources-removed",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    options=(Option("memory-limit-cut", 0.5, "report a memory limit lowered below this fraction of its base value"),),
    statuses=frozenset({"modified", "renamed"}),
)
