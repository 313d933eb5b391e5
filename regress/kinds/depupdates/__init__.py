"""Dependency-update bot configuration (Dependabot, Renovate)."""
