"""Rules over Kubernetes objects (plain manifests, rendered Helm charts and Kustomize overlays)."""

#: File kinds whose objects are Kubernetes objects.
KINDS = ("kubernetes", "helm", "kustomize")
