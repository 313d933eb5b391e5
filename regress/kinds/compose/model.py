"""Compose files (the Compose Specification) as model objects: one per service.

Services are keyed by their map key. What rules compare is a normalised view (``ServiceFacts``):
short syntax is expanded as the Compose Specification defines it (``ports``, ``volumes``,
``environment`` lists, ``depends_on`` lists) and ``extends`` within the same file is applied, so
switching between the short and the long form of the same setting changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regress.diff import FamilyDiff
from regress.model import ModelObject, Origin, YamlSourceMap

FAMILY = "compose"
DIFF = FamilyDiff()

#: ``extends`` chains are followed this deep.
MAX_EXTENDS = 10


@dataclass(frozen=True, slots=True)
class Port:
    target: str
    published: str
    host_ip: str
    protocol: str
    #: Index in the raw ``ports`` list (for locations).
    index: int

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.target, self.published, self.protocol)


@dataclass(frozen=True, slots=True)
class Mount:
    source: str
    target: str
    read_only: bool
    index: int


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    name: str
    image: str
    user: str | None
    privileged: bool
    read_only: bool
    cap_add: frozenset[str]
    cap_drop: frozenset[str]
    security_opt: frozenset[str]
    network_mode: str
    pid: str
    ipc: str
    userns_mode: str
    ports: tuple[Port, ...]
    volumes: tuple[Mount, ...]
    environment: dict[str, Any]
    #: service → condition (``service_started`` for the list form).
    depends_on: dict[str, str]
    healthcheck: dict[str, Any] | None
    restart: str
    deploy: dict[str, Any]
    logging_driver: str
    profiles: tuple[str, ...]
    secrets: tuple[str, ...]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_port(item: Any, index: int) -> Port | None:
    """``"127.0.0.1:5432:5432/tcp"``, ``"8080:80"``, ``"80"``, ``80`` or the long form."""
    if isinstance(item, dict):
        return Port(
            _str(item.get("target")),
            _str(item.get("published")),
            _str(item.get("host_ip")),
            _str(item.get("protocol")) or "tcp",
            index,
        )
    if isinstance(item, (str, int)) and not isinstance(item, bool):
        text = str(item)
        text, _, protocol = text.partition("/")
        host_ip = ""
        if text.startswith("["):  # [::1]:8080:80
            end = text.find("]")
            host_ip, text = text[1:end], text[end + 2 :]
        parts = text.split(":")
        if len(parts) == 3:
            host_ip, published, target = parts
        elif len(parts) == 2:
            published, target = parts
        elif len(parts) == 1:
            published, target = "", parts[0]
        else:  # an unbracketed IPv6 address: the last two parts are the ports
            host_ip, published, target = ":".join(parts[:-2]), parts[-2], parts[-1]
        return Port(target, published, host_ip, protocol or "tcp", index)
    return None


def parse_volume(item: Any, index: int) -> Mount | None:
    """``"src:/target:ro"``, ``"/target"`` or the long form."""
    if isinstance(item, dict):
        return Mount(_str(item.get("source")), _str(item.get("target")), item.get("read_only") is True, index)
    if isinstance(item, str):
        parts = item.split(":")
        if len(parts) == 1:
            return Mount("", parts[0], False, index)
        mode = parts[2] if len(parts) > 2 else ""
        return Mount(parts[0], parts[1], "ro" in mode.split(","), index)
    return None


def environment(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    out: dict[str, Any] = {}
    for item in _as_list(value):
        if isinstance(item, str):
            name, eq, val = item.partition("=")
            out[name] = val if eq else None
    return out


def depends_on(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            cond = v.get("condition") if isinstance(v, dict) else None
            out[str(k)] = _str(cond) or "service_started"
        return out
    return {str(v): "service_started" for v in _as_list(value) if isinstance(v, str)}


def resolve_extends(services: dict[str, Any], name: str, depth: int = 0) -> dict[str, Any]:
    """The service with ``extends: {service: x}`` (same file) merged in: mappings merge, the
    service's own values win (Compose Specification, "extends")."""
    own = services.get(name)
    if not isinstance(own, dict):
        return {}
    ext = own.get("extends")
    parent_name = ext.get("service") if isinstance(ext, dict) and not ext.get("file") else ext
    if not isinstance(parent_name, str) or depth >= MAX_EXTENDS or parent_name == name:
        return dict(own)
    merged = dict(resolve_extends(services, parent_name, depth + 1))
    for k, v in own.items():
        if k == "extends":
            continue
        if isinstance(v, dict) and isinstance(merged.get(k), dict):
            merged[k] = {**merged[k], **v}
        else:
            merged[k] = v
    return merged


def facts_of(name: str, svc: dict[str, Any]) -> ServiceFacts:
    ports = tuple(p for i, item in enumerate(_as_list(svc.get("ports"))) if (p := parse_port(item, i)) is not None)
    mounts = tuple(m for i, item in enumerate(_as_list(svc.get("volumes"))) if (m := parse_volume(item, i)) is not None)
    logging = svc.get("logging")
    deploy = svc.get("deploy")
    health = svc.get("healthcheck")
    user = svc.get("user")
    return ServiceFacts(
        name=name,
        image=_str(svc.get("image")),
        user=_str(user) if user is not None else None,
        privileged=svc.get("privileged") is True,
        read_only=svc.get("read_only") is True,
        cap_add=frozenset(_str(c).upper().removeprefix("CAP_") for c in _as_list(svc.get("cap_add"))),
        cap_drop=frozenset(_str(c).upper().removeprefix("CAP_") for c in _as_list(svc.get("cap_drop"))),
        security_opt=frozenset(_str(o).replace("=", ":").lower() for o in _as_list(svc.get("security_opt"))),
        network_mode=_str(svc.get("network_mode")),
        pid=_str(svc.get("pid")),
        ipc=_str(svc.get("ipc")),
        userns_mode=_str(svc.get("userns_mode")),
        ports=ports,
        volumes=mounts,
        environment=environment(svc.get("environment")),
        depends_on=depends_on(svc.get("depends_on")),
        healthcheck=dict(health) if isinstance(health, dict) else None,
        restart=_str(svc.get("restart")),
        deploy=dict(deploy) if isinstance(deploy, dict) else {},
        logging_driver=_str(logging.get("driver")) if isinstance(logging, dict) else "",
        profiles=tuple(_str(p) for p in _as_list(svc.get("profiles"))),
        secrets=tuple(_str(s.get("source")) if isinstance(s, dict) else _str(s) for s in _as_list(svc.get("secrets"))),
    )


def build(doc: Any, path: str, kind: str) -> list[ModelObject]:
    if not isinstance(doc, dict):
        return []
    services = doc.get("services")
    if not isinstance(services, dict):
        return []
    out: list[ModelObject] = []
    for name, raw in services.items():
        if not isinstance(name, str) or not isinstance(raw, dict):
            continue
        merged = resolve_extends(services, name)
        out.append(
            ModelObject(
                family=FAMILY,
                type="service",
                key=(path, name),
                body=raw,
                origin=Origin(kind, path, YamlSourceMap(path, raw), path),
                label=f"service {name}",
                facts=facts_of(name, merged),
                name_hint=name,
            )
        )
    return out
