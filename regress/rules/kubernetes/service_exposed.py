"""A Service is now reachable from outside the cluster, or from more of the outside.

## What it does
- `type` moves up ClusterIP / ExternalName → NodePort → LoadBalancer.
- `externalIPs` gains addresses.
- A LoadBalancer's `loadBalancerSourceRanges` are removed, gain `0.0.0.0/0`, or gain a range the
  base ranges did not contain.
- A LoadBalancer loses the annotation that kept it internal (AWS
  `aws-load-balancer-internal`/`aws-load-balancer-scheme: internal`, GKE
  `load-balancer-type: Internal`, Azure `azure-load-balancer-internal`, OCI `oci-load-balancer-internal`).
- A new LoadBalancer Service that is neither internal nor limited by source ranges (low severity).

Removing a Service, or making it internal, is silent.

## Why is this bad?
Each step puts the pods behind the Service on a network that was not meant to reach them — a
NodePort on every node's address, a LoadBalancer on the internet unless restricted.

## Example
```yaml
# base                # head
spec:                 spec:
  type: ClusterIP       type: LoadBalancer
```

## How to resolve
Expose the application through the Ingress or gateway that applies your TLS and authentication,
restrict `loadBalancerSourceRanges`, or approve the finding.

## Options
None.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

EXPOSURE = {"ClusterIP": 0, "ExternalName": 0, "NodePort": 1, "LoadBalancer": 2}
#: Annotations that make a cloud load balancer internal, with the value that does so (compared
#: case-insensitively). Names from each provider's Kubernetes load balancer documentation.
INTERNAL_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": ("true", "0.0.0.0/0"),
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ("internal",),
    "networking.gke.io/load-balancer-type": ("internal",),
    "cloud.google.com/load-balancer-type": ("internal",),
    "service.beta.kubernetes.io/azure-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/oci-load-balancer-internal": ("true",),
}


def service_type(body: Any) -> str:
    value = get_path(body, ("spec", "type"))
    return value if isinstance(value, str) else "ClusterIP"


def internal(obj: ModelObject) -> bool:
    notes = get_path(obj.body, ("metadata", "annotations"))
    if not isinstance(notes, dict):
        return False
    return any(str(notes.get(k, "")).lower() in vals for k, vals in INTERNAL_ANNOTATIONS.items())


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _networks(ranges: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    try:
        return [ipaddress.ip_network(r.strip(), strict=False) for r in ranges]
    except ValueError:
        return None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    now_type = service_type(head.body)
    if change.before is None:
        if (
            now_type == "LoadBalancer"
            and not internal(head)
            and not _strings(get_path(head.body, ("spec", "loadBalancerSourceRanges")))
        ):
            yield Hit(
                message=f"new {head.label} is an internet-facing LoadBalancer without loadBalancerSourceRanges",
                attr="spec.type",
                head_route=("spec", "type"),
                after=now_type,
                severity=Severity.LOW,
            )
        yield from _external_ips(None, head)
        return
    base = change.before
    was_type = service_type(base.body)
    if EXPOSURE.get(now_type, 0) > EXPOSURE.get(was_type, 0):
        yield Hit(
            message=f"{head.label} is exposed outside the cluster: type {was_type} → {now_type}",
            attr="spec.type",
            head_route=("spec", "type"),
            base_route=("spec", "type"),
            before=was_type,
            after=now_type,
            severity=Severity.HIGH if now_type == "LoadBalancer" and not internal(head) else Severity.MEDIUM,
        )
    yield from _external_ips(base, head)
    if now_type != "LoadBalancer":
        return
    if was_type == "LoadBalancer" and internal(base) and not internal(head):
        yield Hit(
            message=f"{head.label} is no longer an internal load balancer "
            "(its internal annotation was removed or changed)",
            attr="metadata.annotations.internal",
            head_route=("metadata", "annotations"),
            base_route=("metadata", "annotations"),
            severity=Severity.HIGH,
        )
    yield from _source_ranges(base, head)


def _external_ips(base: ModelObject | None, head: ModelObject) -> Iterator[Hit]:
    was = set(_strings(get_path(base.body, ("spec", "externalIPs")))) if base is not None else set()
    for ip in sorted(set(_strings(get_path(head.body, ("spec", "externalIPs")))) - was):
        yield Hit(
            message=f"{head.label} now answers on external IP {ip}",
            attr=f"spec.externalIPs[{ip}]",
            head_route=("spec", "externalIPs"),
            after=ip,
        )


def _source_ranges(base: ModelObject, head: ModelObject) -> Iterator[Hit]:
    route = ("spec", "loadBalancerSourceRanges")
    was = _strings(get_path(base.body, route))
    now = _strings(get_path(head.body, route))
    if not was:
        return  # open before (or not a LoadBalancer): the type change above reports it
    if not now:
        yield Hit(
            message=f"{head.label}: loadBalancerSourceRanges removed, the load balancer accepts any source",
            attr="spec.loadBalancerSourceRanges",
            head_route=("spec",),
            base_route=route,
            before=was,
            after=None,
        )
        return
    was_nets, now_nets = _networks(was), _networks(now)
    if was_nets is None or now_nets is None:
        return
    wider = [
        str(n)
        for n in now_nets
        if not any(n.version == b.version and n.subnet_of(b) for b in was_nets)  # type: ignore[arg-type]
    ]
    if wider:
        yield Hit(
            message=f"{head.label}: loadBalancerSourceRanges now also admit {', '.join(wider)}",
            attr="spec.loadBalancerSourceRanges",
            head_route=route,
            base_route=route,
            before=was,
            after=now,
            severity=Severity.HIGH if any(w in ("0.0.0.0/0", "::/0") for w in wider) else None,
        )


RULE = Rule(
    code="K8S019",
    name="service-exposed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "Service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
