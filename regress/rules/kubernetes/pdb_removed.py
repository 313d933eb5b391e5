"""A PodDisruptionBudget that protected a workload was removed or no longer selects it.

## What it does
Reports a PodDisruptionBudget removed while the workloads its `spec.selector` selected remain
(found beside it). When those workloads are removed in the same change (the whole application
went) the removal is silent; when none can be found it is reported, since a PDB protects
something. Also reports a PDB whose changed selector no longer selects a workload it selected
before.

## Why is this bad?
Without a PDB, a node drain (a cluster upgrade, an autoscaler scale-down) may evict every replica
at once: a planned maintenance becomes an outage. kube-score and Polaris flag Deployments
without one.

## Example
```yaml
# base: pdb.yaml                         # head: pdb.yaml deleted
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: api}}
```

## How to resolve
Keep the PodDisruptionBudget, or approve the finding with the reason (a single-replica workload
that may be disrupted).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import selects_pods_of
from regress.model import Change, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners, removal_leaves_targets


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is None:
        return
    was_sel = get_path(base.body, ("spec", "selector"))
    if head is None:
        if removal_leaves_targets(ctx, base, lambda o: selects_pods_of(base, was_sel, o)):
            yield Hit(
                message=f"{base.label} was removed: the pods it protected can all be evicted at once",
                attr="object",
                base_route=(),
            )
        return
    now_sel = get_path(head.body, ("spec", "selector"))
    if was_sel == now_sel:
        return
    survivors = {o.key: o for o in partners(ctx, "head", head)}
    for obj in partners(ctx, "base", base):
        if not selects_pods_of(base, was_sel, obj):
            continue
        now = survivors.get(obj.key)
        if now is None or selects_pods_of(head, now_sel, now):
            continue
        yield Hit(
            message=f"{head.label} no longer selects {now.label} (spec.selector changed)",
            attr=f"spec.selector[{now.identity}]",
            head_route=("spec", "selector"),
            base_route=("spec", "selector"),
        )


RULE = Rule(
    code="K8S024",
    name="pdb-removed",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "PodDisruptionBudget"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
