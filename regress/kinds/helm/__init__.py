"""Helm charts: a folder with a Chart.yaml is one unit, rendered on both sides."""
