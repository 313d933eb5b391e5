"""A NetworkPolicy was removed, opened up, or stopped covering pods.

## What it does
- **Removed**: a NetworkPolicy removed while the pods it selected remain (found beside it, by its
  `podSelector`). When those workloads are removed in the same change (the whole application
  went) the removal is silent; when none can be found it is reported, since the policy protected
  something.
- **Opened**: a direction (ingress or egress) that allowed only some peers now allows all: a rule
  without `from`/`to`, an empty peer `{}`, an `ipBlock` of `0.0.0.0/0` or `::/0`, or (a smaller
  step) every pod of every namespace (`namespaceSelector: {}`).
- **No longer enforced**: `policyTypes` loses `Ingress` or `Egress` (when unset, Ingress always
  applies and Egress only with `egress` rules, as the API defaults it).
- **Narrowed selection**: workloads the base `podSelector` covered that still exist but are no
  longer selected.

## Why is this bad?
A NetworkPolicy is the pod's firewall: while one selects a pod, only the listed traffic reaches
(or leaves) it. Taking it away, or letting everything through, opens the pod to the whole cluster
or the internet — a lateral-movement path that nothing else in the manifests shows.

## Example
```yaml
# base                                      # head
ingress:                                    ingress:
  - from:                                     - from:
      - podSelector: {matchLabels: {app: web}}      - ipBlock: {cidr: 0.0.0.0/0}
```

## How to resolve
Keep the policy and list the peers that need access, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import selects_pods_of
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS
from regress.rules.kubernetes.context import partners, removal_leaves_targets

DIRECTIONS = {"Ingress": ("ingress", "from"), "Egress": ("egress", "to")}
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
#: How far a direction is open: only listed peers, every pod of the cluster, or anything.
RESTRICTED, CLUSTER, ANY = 0, 1, 2
_OPENNESS = {CLUSTER: "every pod in every namespace", ANY: "anywhere"}


def policy_types(body: Any) -> set[str] | None:
    spec = body.get("spec") if isinstance(body, dict) else None
    if not isinstance(spec, dict):
        return None
    explicit = spec.get("policyTypes")
    if isinstance(explicit, list):
        return {t for t in explicit if isinstance(t, str)}
    if explicit is not None:
        return None
    # API default: Ingress always; Egress when the policy has egress rules.
    return {"Ingress"} | ({"Egress"} if spec.get("egress") else set())


def _peer_openness(peer: Any) -> int:
    if not isinstance(peer, dict):
        return RESTRICTED
    if not peer:
        return ANY
    block = peer.get("ipBlock")
    if isinstance(block, dict) and block.get("cidr") in OPEN_CIDRS:
        return ANY
    ns_sel = peer.get("namespaceSelector")
    pod_sel = peer.get("podSelector")
    if ns_sel == {} and pod_sel in (None, {}):
        return CLUSTER
    return RESTRICTED


def openness(body: Any, direction: str) -> int:
    section, peers_key = DIRECTIONS[direction]
    rules = get_path(body, ("spec", section))
    worst = RESTRICTED
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        peers = rule.get(peers_key)
        if not peers:
            return ANY
        if isinstance(peers, list):
            worst = max([worst, *(_peer_openness(p) for p in peers)])
    return worst


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    base, head = change.before, change.after
    if base is not None and head is None:
        yield from _removed(ctx, base)
        return
    if base is None or head is None:
        return
    was_types, now_types = policy_types(base.body), policy_types(head.body)
    if was_types is None or now_types is None:
        return
    for direction, (section, _) in DIRECTIONS.items():
        if direction not in was_types:
            continue
        if direction not in now_types:
            yield Hit(
                message=f"{head.label} no longer restricts {section} traffic (policyTypes lost {direction})",
                attr=f"spec.policyTypes[{direction}]",
                head_route=("spec", "policyTypes"),
                base_route=("spec", "policyTypes"),
                before=sorted(was_types),
                after=sorted(now_types),
            )
            continue
        was_open, now_open = openness(base.body, direction), openness(head.body, direction)
        if now_open > was_open:
            yield Hit(
                message=f"{head.label} now allows {section} "
                f"{'from' if direction == 'Ingress' else 'to'} {_OPENNESS[now_open]}",
                attr=f"spec.{section}",
                head_route=("spec", section),
                base_route=("spec", section),
                severity=Severity.HIGH if now_open == ANY else Severity.MEDIUM,
            )
    yield from _unselected(ctx, base, head)


def _removed(ctx: RuleContext, base: ModelObject) -> Iterator[Hit]:
    selector = get_path(base.body, ("spec", "podSelector"))
    if not removal_leaves_targets(ctx, base, lambda o: selects_pods_of(base, selector, o)):
        return
    yield Hit(
        message=f"{base.label} was removed: the pods it selected are no longer restricted by it",
        attr="object",
        base_route=(),
    )


def _unselected(ctx: RuleContext, base: ModelObject, head: ModelObject) -> Iterator[Hit]:
    was_sel = get_path(base.body, ("spec", "podSelector"))
    now_sel = get_path(head.body, ("spec", "podSelector"))
    if was_sel == now_sel:
        return
    head_objs = {o.key: o for o in partners(ctx, "head", head)}
    for obj in partners(ctx, "base", base):
        if not selects_pods_of(base, was_sel, obj):
            continue
        survivor = head_objs.get(obj.key)
        if survivor is None or selects_pods_of(head, now_sel, survivor):
            continue
        yield Hit(
            message=f"{head.label} no longer selects {survivor.label} (podSelector changed)",
            attr=f"spec.podSelector[{survivor.identity}]",
            head_route=("spec", "podSelector"),
            base_route=("spec", "podSelector"),
        )


RULE = Rule(
    code="K8S018",
    name="network-policy-weakened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "NetworkPolicy"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
