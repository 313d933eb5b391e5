"""The rules: one module per rule, listed in :mod:`regress.rules.registry`."""
