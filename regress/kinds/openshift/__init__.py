"""OpenShift-specific file kinds (Templates)."""
