"""Network exposure of a Terraform module: which ports are open to the whole internet, per group.

One model for every way of writing a firewall rule, so moving between them is no change:

- AWS security groups: inline ``ingress``/``egress`` blocks, ``aws_security_group_rule``, and
  ``aws_vpc_security_group_{ingress,egress}_rule``; a separate rule belongs to the group its
  ``security_group_id`` refers to;
- AWS network ACLs: inline blocks and ``aws_network_acl_rule`` (``allow`` entries only);
- GCP ``google_compute_firewall`` (``allow`` blocks; ``direction`` defaults to ``INGRESS``);
- Azure ``azurerm_network_security_rule`` and ``security_rule`` blocks (``Allow`` only).

An *exposure* is (group, direction, protocol, port range) reachable from ``0.0.0.0/0``, ``::/0``,
``*``, ``Internet`` or ``Any``. Port ranges that are not known stay as their expression text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from regress.kinds.terraform import hcl
from regress.kinds.terraform.checks import is_world
from regress.kinds.terraform.objects import ResourceFacts, address_of
from regress.kinds.terraform.values import as_number, as_str, blocks
from regress.model import ModelObject, Route

ALL_PORTS = (0, 65535)
TYPES = (
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "google_compute_firewall",
    "azurerm_network_security_group",
    "azurerm_network_security_rule",
)


@dataclass(frozen=True, slots=True)
class Exposure:
    group: str  # folder + address of the security group / ACL / firewall
    direction: str  # "ingress" | "egress"
    protocol: str  # "all", "tcp", "udp", "icmp", …
    ports: tuple[int, int] | str  # a range, or the expression when unknown
    source: str  # the world CIDR
    obj: ModelObject
    route: Route

    @property
    def text(self) -> str:
        ports = self.ports if isinstance(self.ports, str) else _ports_text(self.ports)
        if self.protocol == "all":
            return f"{self.direction} of all traffic from {self.source}"
        return f"{self.direction} {self.protocol} {ports} from {self.source}"

    def covered_by(self, other: Exposure) -> bool:
        if other.group != self.group or other.direction != self.direction:
            return False
        if other.protocol not in ("all", self.protocol):
            return False
        if other.protocol == "all" and other.ports == ALL_PORTS:
            return True
        if isinstance(self.ports, str) or isinstance(other.ports, str):
            return self.ports == other.ports
        return other.ports[0] <= self.ports[0] and self.ports[1] <= other.ports[1]


def _ports_text(ports: tuple[int, int]) -> str:
    if ports == ALL_PORTS:
        return "all ports"
    return f"port {ports[0]}" if ports[0] == ports[1] else f"ports {ports[0]}-{ports[1]}"


def _protocol(value: Any) -> str:
    text = (as_str(value) or "").lower()
    return "all" if text in ("-1", "all", "*", "") else {"6": "tcp", "17": "udp", "1": "icmp"}.get(text, text)


def _range(lo: Any, hi: Any, protocol: str) -> tuple[int, int] | str:
    if protocol == "all":
        return ALL_PORTS
    a, b = as_number(lo), as_number(hi)
    if a is None or b is None:
        return f"{lo}-{hi}"
    if a == -1 or (a == 0 and b in (0, 65535)):
        return ALL_PORTS
    return (int(a), int(b))


def _worlds(*values: Any) -> list[str]:
    out: list[str] = []
    for v in values:
        items = v if isinstance(v, list) else [v]
        out.extend(i.strip() for i in items if is_world(i))
    return out


def _group_of(obj: ModelObject, attr: str) -> str:
    facts = obj.facts
    if isinstance(facts, ResourceFacts):
        expr = facts.exprs.get((attr,))
        if expr is not None:
            for ref in hcl.references(expr):
                address = address_of(ref)
                if address:
                    return f"{obj.key[0]}/{address}"
    return "/".join(obj.key)


def exposures(obj: ModelObject) -> Iterator[Exposure]:
    body = obj.body
    if not isinstance(body, dict):
        return
    t = obj.type
    own = "/".join(obj.key)
    if t == "aws_security_group":
        for direction in ("ingress", "egress"):
            for i, rule in enumerate(blocks(body, direction)):
                proto = _protocol(rule.get("protocol"))
                ports = _range(rule.get("from_port"), rule.get("to_port"), proto)
                for src in _worlds(rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks")):
                    yield Exposure(own, direction, proto, ports, src, obj, (direction, i))
    elif t == "aws_security_group_rule":
        direction = (as_str(body.get("type")) or "").lower()
        proto = _protocol(body.get("protocol"))
        ports = _range(body.get("from_port"), body.get("to_port"), proto)
        group = _group_of(obj, "security_group_id")
        for src in _worlds(body.get("cidr_blocks"), body.get("ipv6_cidr_blocks")):
            yield Exposure(group, direction, proto, ports, src, obj, ("cidr_blocks",))
    elif t in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
        direction = "ingress" if t.endswith("ingress_rule") else "egress"
        proto = _protocol(body.get("ip_protocol"))
        ports = _range(body.get("from_port"), body.get("to_port"), proto)
        group = _group_of(obj, "security_group_id")
        for src in _worlds(body.get("cidr_ipv4"), body.get("cidr_ipv6")):
            yield Exposure(group, direction, proto, ports, src, obj, ("cidr_ipv4",))
    elif t in ("aws_network_acl", "aws_default_network_acl"):
        for direction in ("ingress", "egress"):
            for i, rule in enumerate(blocks(body, direction)):
                if (as_str(rule.get("action")) or "").lower() != "allow":
                    continue
                proto = _protocol(rule.get("protocol"))
                ports = _range(rule.get("from_port"), rule.get("to_port"), proto)
                for src in _worlds(rule.get("cidr_block"), rule.get("ipv6_cidr_block")):
                    yield Exposure(own, f"nacl-{direction}", proto, ports, src, obj, (direction, i))
    elif t == "aws_network_acl_rule":
        if (as_str(body.get("rule_action")) or "").lower() != "allow":
            return
        direction = "nacl-egress" if body.get("egress") is True else "nacl-ingress"
        proto = _protocol(body.get("protocol"))
        ports = _range(body.get("from_port"), body.get("to_port"), proto)
        group = _group_of(obj, "network_acl_id")
        for src in _worlds(body.get("cidr_block"), body.get("ipv6_cidr_block")):
            yield Exposure(group, direction, proto, ports, src, obj, ("cidr_block",))
    elif t == "google_compute_firewall":
        yield from _gcp(obj, body, own)
    elif t == "azurerm_network_security_rule":
        yield from _azure_rule(obj, body, _group_of(obj, "network_security_group_name"), ())
    elif t == "azurerm_network_security_group":
        for i, rule in enumerate(blocks(body, "security_rule")):
            yield from _azure_rule(obj, rule, own, ("security_rule", i))


def _gcp(obj: ModelObject, body: dict[str, Any], own: str) -> Iterator[Exposure]:
    direction = (as_str(body.get("direction")) or "INGRESS").lower()
    ranges = body.get("source_ranges") if direction == "ingress" else body.get("destination_ranges")
    worlds = _worlds(ranges)
    if body.get("disabled") is True or not worlds:
        return
    for i, allow in enumerate(blocks(body, "allow")):
        proto = _protocol(allow.get("protocol"))
        ports = allow.get("ports")
        port_list = ports if isinstance(ports, list) and ports else None
        for src in worlds:
            if port_list is None:
                yield Exposure(own, direction, proto, ALL_PORTS, src, obj, ("allow", i))
                continue
            for p in port_list:
                yield Exposure(own, direction, proto, _port_spec(p), src, obj, ("allow", i))


def _azure_rule(obj: ModelObject, rule: dict[str, Any], group: str, route: Route) -> Iterator[Exposure]:
    if (as_str(rule.get("access")) or "").lower() != "allow":
        return
    direction = "ingress" if (as_str(rule.get("direction")) or "").lower() == "inbound" else "egress"
    worlds = _worlds(rule.get("source_address_prefix"), rule.get("source_address_prefixes"))
    if direction == "egress":
        worlds = _worlds(rule.get("destination_address_prefix"), rule.get("destination_address_prefixes"))
    proto = _protocol(rule.get("protocol"))
    specs = rule.get("destination_port_ranges")
    port_specs = specs if isinstance(specs, list) and specs else [rule.get("destination_port_range")]
    for src in worlds:
        for p in port_specs:
            yield Exposure(group, direction, proto, _port_spec(p), src, obj, route or ("source_address_prefix",))


def _port_spec(value: Any) -> tuple[int, int] | str:
    text = as_str(value)
    if text is None:
        return str(value)
    text = text.strip()
    if text in ("*", ""):
        return ALL_PORTS
    lo, _, hi = text.partition("-")
    a, b = as_number(lo), as_number(hi or lo)
    if a is None or b is None:
        return text
    return (int(a), int(b))


def group_exposures(objects: list[ModelObject]) -> list[Exposure]:
    return [e for o in objects if o.type in TYPES for e in exposures(o)]


def _in_folder(objects: list[ModelObject], folder: str) -> list[ModelObject]:
    return [o for o in objects if o.key and o.key[0] == folder and o.type in TYPES]


def new_exposures(change: Any, ctx: Any, directions: frozenset[str], existing_groups_only: bool) -> Iterator[Exposure]:
    """Exposures the changed object brings on the head side that no base exposure of the same
    group covers (so moving a rule between its inline and separate forms is silent)."""
    from regress.kinds.terraform.identity import FAMILY

    after = change.after
    if after is None:
        return
    folder = after.key[0]
    base_objs = _in_folder(ctx.base.family(FAMILY), folder)
    base = group_exposures(base_objs)
    known_groups = {"/".join(o.key) for o in base_objs} | {e.group for e in base}
    for e in exposures(after):
        if e.direction not in directions:
            continue
        if existing_groups_only and e.group not in known_groups:
            continue
        if any(e.covered_by(b) for b in base):
            continue
        yield e


def sensitive(e: Exposure) -> bool:
    """All ports, or a remote-administration or database port."""
    if isinstance(e.ports, str):
        return True
    lo, hi = e.ports
    return any(lo <= p <= hi for p in (22, 3389, 3306, 5432, 1433, 6379, 9200, 27017, 2375, 2379))
