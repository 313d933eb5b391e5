"""Kubernetes manifests: objects keyed by (group, kind, namespace, name, render root)."""
