"""Identity of Kubernetes objects and the list keys inside them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from regress.diff import FamilyDiff, name_list_key
from regress.model import Route

FAMILY = "kubernetes"

#: Kinds that moved API group over the years; an apiVersion bump from the old group to the new one
#: is the same object (``extensions/v1beta1`` Deployment → ``apps/v1``).
CANONICAL_GROUP = {
    "Deployment": "apps",
    "DaemonSet": "apps",
    "ReplicaSet": "apps",
    "StatefulSet": "apps",
    "PetSet": "apps",
    "Ingress": "networking.k8s.io",
    "NetworkPolicy": "networking.k8s.io",
    "IngressClass": "networking.k8s.io",
    "PodSecurityPolicy": "policy",
    "PodDisruptionBudget": "policy",
    "HorizontalPodAutoscaler": "autoscaling",
    "CronJob": "batch",
    "Job": "batch",
    "Event": "",
    # OpenShift kinds were served from the core "v1" API before their own groups existed.
    "DeploymentConfig": "apps.openshift.io",
    "SecurityContextConstraints": "security.openshift.io",
    "Route": "route.openshift.io",
}

#: Cluster-scoped kinds have no namespace in their identity.
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ClusterRole",
        "ClusterRoleBinding",
        "StorageClass",
        "CustomResourceDefinition",
        "PriorityClass",
        "IngressClass",
        "RuntimeClass",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "APIService",
        "PodSecurityPolicy",
        "SecurityContextConstraints",
        "CSIDriver",
        "VolumeSnapshotClass",
        "ClusterIssuer",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
    }
)

#: Noise: server-populated fields and tooling annotations that never change behaviour.
NOISE_METADATA = frozenset(
    {
        "creationTimestamp",
        "resourceVersion",
        "uid",
        "generation",
        "managedFields",
        "selfLink",
    }
)
NOISE_ANNOTATIONS = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        "deployment.kubernetes.io/revision",
    }
)


def group_of(api_version: str, kind: str) -> str:
    if kind in CANONICAL_GROUP:
        return CANONICAL_GROUP[kind]
    if "/" in api_version:
        return api_version.rsplit("/", 1)[0]
    return ""  # the core group ("v1")


def object_key(doc: dict[str, Any], render_root: str) -> tuple[str, ...] | None:
    """(group, kind, namespace, name, render root), or None if the document is no object."""
    api_version = doc.get("apiVersion")
    kind = doc.get("kind")
    meta = doc.get("metadata")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        return None
    if not isinstance(meta, dict):
        meta = {}
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        generate = meta.get("generateName")
        name = f"{generate}*" if isinstance(generate, str) and generate else ""
    if kind in CLUSTER_SCOPED:
        namespace = ""
    else:
        ns = meta.get("namespace")
        namespace = ns if isinstance(ns, str) and ns else "default"
    return (group_of(api_version, kind), kind, namespace, name, render_root)


def label_of(key: tuple[str, ...]) -> str:
    _, kind, namespace, name, root = key
    where = f"{namespace}/{name}" if namespace else name
    return f"{kind} {where}" + (f" ({root})" if root else "")


def _port_key(item: Any) -> str:
    if "containerPort" in item:
        return f"{item.get('containerPort')}/{item.get('protocol') or 'TCP'}"
    return f"{item.get('port')}/{item.get('protocol') or 'TCP'}"


_KEY_FIELD = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "imagePullSecrets": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "hostAliases": "ip",
}


def list_key(route: Route, items: list[Any]) -> Callable[[Any], Any] | None:
    """Kubernetes' own list-map keys (the API's ``x-kubernetes-list-map-keys``)."""
    if not route or not items or not all(isinstance(i, dict) for i in items):
        return None
    last = route[-1]
    field = _KEY_FIELD.get(last) if isinstance(last, str) else None
    if field is not None:
        values = [i.get(field) for i in items]
        if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
            return lambda item: item[field]
        return None
    if last == "ports" and all(("containerPort" in i) or ("port" in i) for i in items):
        keys = [_port_key(i) for i in items]
        if len(set(keys)) == len(keys):
            return _port_key
        return None
    return name_list_key(route, items)


def ignore(route: Route) -> bool:
    head = route[0]
    if head in ("status", "apiVersion"):
        return True
    if head == "metadata" and len(route) >= 2:
        if route[1] in NOISE_METADATA:
            return True
        if route[1] == "annotations" and len(route) >= 3 and route[2] in NOISE_ANNOTATIONS:
            return True
    return False


DIFF = FamilyDiff(
    list_key=list_key,
    ignore=ignore,
    identity_routes=frozenset({("metadata", "name"), ("metadata", "namespace"), ("kind",)}),
)
