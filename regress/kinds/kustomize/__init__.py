"""Kustomize overlays: the graph of kustomizations, a built-in renderer, and the handler."""
