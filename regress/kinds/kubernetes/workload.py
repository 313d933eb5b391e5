"""Typed views over workload objects: where the pod spec is, its containers, and the security
settings each container effectively runs with (container over pod, as the kubelet applies them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regress.model import ModelObject, Route, get_path

#: Where each workload kind keeps its pod spec.
POD_SPEC_ROUTES: dict[str, Route] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "PetSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "DeploymentConfig": ("spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
WORKLOAD_TYPES = tuple(POD_SPEC_ROUTES)
#: Workloads whose replica count is a field of their own.
SCALABLE_TYPES = ("Deployment", "StatefulSet", "PetSet", "ReplicaSet", "ReplicationController", "DeploymentConfig")
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

#: securityContext fields that exist at pod level and are inherited by containers that do not set
#: them; every other securityContext field exists only on containers (Kubernetes API reference,
#: PodSecurityContext vs SecurityContext).
POD_LEVEL_SECURITY = (
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "seccompProfile",
    "seLinuxOptions",
    "appArmorProfile",
    "windowsOptions",
)
#: Fields that exist only in the pod's securityContext (PodSecurityContext) and apply to the pod's
#: volumes and processes as a whole.
POD_ONLY_SECURITY = ("fsGroup", "fsGroupChangePolicy", "supplementalGroups", "sysctls")
#: Fields that exist only in a container's securityContext: set at pod level they are not part of
#: the API (dropped or rejected), so a container block moved to pod level loses them.
CONTAINER_ONLY_SECURITY = (
    "allowPrivilegeEscalation",
    "privileged",
    "capabilities",
    "readOnlyRootFilesystem",
    "procMount",
)


@dataclass(frozen=True, slots=True)
class Container:
    list_name: str  # containers | initContainers | ephemeralContainers
    name: str
    route: Route  # route of the container inside the object body
    body: dict[str, Any]

    @property
    def label(self) -> str:
        prefix = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}
        return f"{prefix.get(self.list_name, 'container')} {self.name!r}"

    @property
    def attr(self) -> str:
        return f"{self.list_name}[{self.name}]"


def pod_spec_route(obj: ModelObject) -> Route | None:
    return POD_SPEC_ROUTES.get(obj.type)


def pod_spec(obj: ModelObject) -> dict[str, Any]:
    route = pod_spec_route(obj)
    spec = get_path(obj.body, route) if route is not None else None
    return spec if isinstance(spec, dict) else {}


def containers(obj: ModelObject) -> dict[tuple[str, str], Container]:
    """Containers by (list, name); unnamed containers get their index as a name."""
    route = pod_spec_route(obj)
    if route is None:
        return {}
    spec = pod_spec(obj)
    out: dict[tuple[str, str], Container] = {}
    for list_name in CONTAINER_LISTS:
        items = spec.get(list_name)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            raw_name = item.get("name")
            name = raw_name if isinstance(raw_name, str) else f"#{i}"
            out[(list_name, name)] = Container(list_name, name, (*route, list_name, i), item)
    return out


@dataclass(frozen=True, slots=True)
class Setting:
    """An effective value and where it came from (a route in the object body, or None = default)."""

    value: Any
    route: Route | None


def effective_security(obj: ModelObject, c: Container, field: str) -> Setting:
    """``field`` of the container's securityContext, falling back to the pod's for pod-level fields."""
    sc = c.body.get("securityContext")
    if isinstance(sc, dict) and field in sc and sc[field] is not None:
        return Setting(sc[field], (*c.route, "securityContext", field))
    if field in POD_LEVEL_SECURITY:
        route = pod_spec_route(obj)
        psc = pod_spec(obj).get("securityContext")
        if route is not None and isinstance(psc, dict) and field in psc and psc[field] is not None:
            return Setting(psc[field], (*route, "securityContext", field))
    return Setting(None, None)


def pod_security(obj: ModelObject, field: str) -> Setting:
    """``field`` of the pod-level securityContext."""
    route = pod_spec_route(obj)
    psc = pod_spec(obj).get("securityContext")
    if route is not None and isinstance(psc, dict) and psc.get(field) is not None:
        return Setting(psc[field], (*route, "securityContext", field))
    return Setting(None, None)


def pod_field(obj: ModelObject, field: str) -> Setting:
    """A field of the pod spec itself (``hostNetwork``, ``serviceAccountName``…)."""
    route = pod_spec_route(obj)
    spec = pod_spec(obj)
    if route is not None and spec.get(field) is not None:
        return Setting(spec[field], (*route, field))
    return Setting(None, None)


def pod_template_route(obj: ModelObject) -> Route | None:
    """Where the pod's own metadata lives (the object's for a Pod, the template's otherwise)."""
    route = pod_spec_route(obj)
    if route is None:
        return None
    return ("metadata",) if obj.type == "Pod" else (*route[:-1], "metadata")


def pod_annotations(obj: ModelObject) -> dict[str, Any]:
    route = pod_template_route(obj)
    value = get_path(obj.body, (*route, "annotations")) if route is not None else None
    return value if isinstance(value, dict) else {}


def object_annotations(obj: ModelObject) -> dict[str, Any]:
    """The object's own annotations."""
    value = get_path(obj.body, ("metadata", "annotations"))
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class Volume:
    name: str
    route: Route
    body: dict[str, Any]


def volumes(obj: ModelObject) -> dict[str, Volume]:
    """The pod's volumes by name."""
    route = pod_spec_route(obj)
    items = pod_spec(obj).get("volumes")
    if route is None or not isinstance(items, list):
        return {}
    out: dict[str, Volume] = {}
    for i, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out[item["name"]] = Volume(item["name"], (*route, "volumes", i), item)
    return out


def pair_containers(
    before: ModelObject | None, after: ModelObject | None
) -> list[tuple[Container | None, Container | None]]:
    """Containers of two versions of a workload, paired by (list, name); within one list a single
    leftover on each side is taken as a renamed container."""
    a = containers(before) if before is not None else {}
    b = containers(after) if after is not None else {}
    pairs: list[tuple[Container | None, Container | None]] = [(a[k], b[k]) for k in a.keys() & b.keys()]
    for list_name in CONTAINER_LISTS:
        left_a = [a[k] for k in a.keys() - b.keys() if k[0] == list_name]
        left_b = [b[k] for k in b.keys() - a.keys() if k[0] == list_name]
        if len(left_a) == 1 and len(left_b) == 1:
            pairs.append((left_a[0], left_b[0]))
        else:
            pairs.extend((c, None) for c in left_a)
            pairs.extend((None, c) for c in left_b)
    pairs.sort(key=lambda p: (CONTAINER_LISTS.index((p[1] or p[0]).list_name), (p[1] or p[0]).name))  # type: ignore[union-attr]
    return pairs


def from_pod_level(obj: ModelObject, setting: Setting) -> bool:
    """Whether an effective setting comes from the pod-level securityContext."""
    route = pod_spec_route(obj)
    if route is None or setting.route is None:
        return False
    return setting.route[: len(route) + 1] == (*route, "securityContext")


def capability_set(c: Container, which: str) -> frozenset[str] | None:
    """``capabilities.add`` or ``.drop`` of a container, normalised (``cap_net_raw`` = ``NET_RAW``);
    empty when absent, None when it is not a list of names (unknown)."""
    caps = get_path(c.body, ("securityContext", "capabilities", which))
    if caps is None:
        return frozenset()
    if not isinstance(caps, list) or not all(isinstance(x, str) for x in caps):
        return None
    return frozenset(normalise_capability(x) for x in caps)


def normalise_capability(name: str) -> str:
    upper = name.strip().upper()
    return upper[4:] if upper.startswith("CAP_") else upper


RESOURCE_KINDS = ("limits", "requests")


def container_resources(c: Container) -> dict[tuple[str, str], Setting]:
    """(limits|requests, resource) → value as written, with where it is. A request that is not set
    takes the limit's value, as the API server defaults it (Kubernetes docs, "Resource Management
    for Pods and Containers"): the route then points at the limit."""
    res = c.body.get("resources")
    out: dict[tuple[str, str], Setting] = {}
    if not isinstance(res, dict):
        return out
    for kind in RESOURCE_KINDS:
        values = res.get(kind)
        if not isinstance(values, dict):
            continue
        for name, value in values.items():
            if isinstance(name, str) and value is not None:
                out[(kind, name)] = Setting(value, (*c.route, "resources", kind, name))
    for (kind, name), setting in list(out.items()):
        if kind == "limits":
            out.setdefault(("requests", name), setting)
    return out
