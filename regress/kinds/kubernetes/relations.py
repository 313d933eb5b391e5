"""Relations between Kubernetes objects: which autoscaler scales a workload, which PDB,
NetworkPolicy or PodMonitor selects its pods, which ServiceMonitor selects a Service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regress.kinds.kubernetes.workload import POD_SPEC_ROUTES, WORKLOAD_TYPES
from regress.model import ModelObject, get_path

#: Objects that own a workload's replica count: the HPA, and KEDA's ScaledObject (which creates and
#: drives an HPA of its own; keda.sh docs, "ScaledObject specification").
SCALER_TYPES = ("HorizontalPodAutoscaler", "ScaledObject")


def namespace(obj: ModelObject) -> str:
    return obj.key[2]


def name(obj: ModelObject) -> str:
    return obj.key[3]


def root(obj: ModelObject) -> str:
    """The render root (overlay, chart + values file) the object belongs to; '' for plain files."""
    return obj.key[4] if len(obj.key) > 4 else ""


def scales(scaler: ModelObject, workload: ModelObject) -> bool:
    """Whether an HPA or ScaledObject's scaleTargetRef names ``workload`` (same namespace)."""
    if scaler.type not in SCALER_TYPES or namespace(scaler) != namespace(workload):
        return False
    ref = get_path(scaler.body, ("spec", "scaleTargetRef"))
    if not isinstance(ref, dict) or ref.get("name") != name(workload):
        return False
    # ScaledObject's kind defaults to Deployment (keda.sh, "scaleTargetRef").
    kind = ref.get("kind") or ("Deployment" if scaler.type == "ScaledObject" else None)
    return kind == workload.type


def hpa_for(workload: ModelObject, candidates: Iterable[ModelObject]) -> ModelObject | None:
    """The HorizontalPodAutoscaler (or KEDA ScaledObject) that scales ``workload``."""
    for obj in candidates:
        if scales(obj, workload):
            return obj
    return None


def scale_target(scaler: ModelObject, candidates: Iterable[ModelObject]) -> ModelObject | None:
    for obj in candidates:
        if obj.type in WORKLOAD_TYPES and scales(scaler, obj):
            return obj
    return None


def pod_labels(workload: ModelObject) -> dict[str, Any]:
    route = POD_SPEC_ROUTES.get(workload.type)
    if route is None:
        return {}
    meta_route = (*route[:-1], "metadata", "labels") if workload.type != "Pod" else ("metadata", "labels")
    labels = get_path(workload.body, meta_route)
    return labels if isinstance(labels, dict) else {}


def object_labels(obj: ModelObject) -> dict[str, Any]:
    labels = get_path(obj.body, ("metadata", "labels"))
    return labels if isinstance(labels, dict) else {}


def selector_matches(selector: Any, labels: dict[str, Any]) -> bool:
    """A LabelSelector (matchLabels and matchExpressions) against a label set; empty selects all."""
    if not isinstance(selector, dict):
        return False
    match = selector.get("matchLabels") or {}
    if not isinstance(match, dict):
        return False
    for k, v in match.items():
        if labels.get(k) != v:
            return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return False
    for expr in expressions:
        if not isinstance(expr, dict):
            return False
        key, op, values = str(expr.get("key")), expr.get("operator"), expr.get("values") or []
        if not isinstance(values, list):
            return False
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def map_selector_matches(selector: Any, labels: dict[str, Any]) -> bool:
    """A plain label map (Service, ReplicationController, DeploymentConfig selectors)."""
    if not isinstance(selector, dict) or not selector:
        return False
    return all(labels.get(k) == v for k, v in selector.items())


def namespaces_selected(monitor: ModelObject) -> set[str] | None:
    """The namespaces a ServiceMonitor/PodMonitor looks in: None means any (prometheus-operator API:
    ``namespaceSelector.any``, else ``matchNames``, else the monitor's own namespace)."""
    ns_sel = get_path(monitor.body, ("spec", "namespaceSelector"))
    if isinstance(ns_sel, dict):
        if ns_sel.get("any") is True:
            return None
        names = ns_sel.get("matchNames")
        if isinstance(names, list) and names:
            return {n for n in names if isinstance(n, str)}
    return {namespace(monitor)}


def selects_pods_of(selector_owner: ModelObject, selector: Any, workload: ModelObject) -> bool:
    """Whether a namespaced pod selector of ``selector_owner`` selects the pods of ``workload``."""
    if workload.type not in WORKLOAD_TYPES or namespace(workload) != namespace(selector_owner):
        return False
    return selector_matches(selector, pod_labels(workload))
