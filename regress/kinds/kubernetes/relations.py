"""Relations between Kubernetes objects: which HPA scales a workload, which PDB or NetworkPolicy
selects its pods."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regress.kinds.kubernetes.workload import POD_SPEC_ROUTES
from regress.model import ModelObject, get_path


def namespace(obj: ModelObject) -> str:
    return obj.key[2]


def name(obj: ModelObject) -> str:
    return obj.key[3]


def hpa_for(workload: ModelObject, candidates: Iterable[ModelObject]) -> ModelObject | None:
    """The HorizontalPodAutoscaler whose scaleTargetRef names ``workload`` (same namespace)."""
    for obj in candidates:
        if obj.type != "HorizontalPodAutoscaler" or namespace(obj) != namespace(workload):
            continue
        ref = get_path(obj.body, ("spec", "scaleTargetRef"))
        if isinstance(ref, dict) and ref.get("kind") == workload.type and ref.get("name") == name(workload):
            return obj
    return None


def pod_labels(workload: ModelObject) -> dict[str, Any]:
    route = POD_SPEC_ROUTES.get(workload.type)
    if route is None:
        return {}
    meta_route = (*route[:-1], "metadata", "labels") if workload.type != "Pod" else ("metadata", "labels")
    labels = get_path(workload.body, meta_route)
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
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict):
            return False
        key, op, values = str(expr.get("key")), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True
