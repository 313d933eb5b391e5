"""Render roots of a chart: its default values, and every environment values file beside it.

A root is the chart rendered with ``values.yaml`` alone, or with one more values file on top:
``values-<env>.yaml`` (also ``values.<env>.yaml`` and ``values_<env>.yaml``) in the chart folder,
and every YAML file in its ``ci/`` folder (the chart-testing convention, ct's ``ci/*-values.yaml``,
though many charts drop the suffix). The root is part of each rendered object's identity, so
production and staging objects are never compared with each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from regress.kinds.helm.chart import Chart

_ENV_VALUES = re.compile(r"values[-._][^/]+\.ya?ml")
_CI_VALUES = re.compile(r"ci/[^/]+\.ya?ml")


@dataclass(frozen=True, slots=True, order=True)
class RenderRoot:
    #: The values file on top of values.yaml (chart-relative), or "" for the defaults alone.
    values_file: str
    #: For an extra root that switches on a template's guard (``switches.py``): what it sets,
    #: e.g. ``rbac.sccEnabled=true``; "" for the chart's own roots.
    switch: str = ""

    def name(self, chart_root: str) -> str:
        """The root's identity part: the chart folder, plus ``@values file`` for an environment
        or ``@switch:…`` for a switched-on guard."""
        base = chart_root or "."
        if self.switch:
            return f"{base}@switch:{self.switch}"
        return f"{base}@{self.values_file}" if self.values_file else base

    @property
    def title(self) -> str:
        if self.switch:
            return f"values.yaml with {self.switch}"
        return self.values_file or "values.yaml"


def discover(chart: Chart) -> list[RenderRoot]:
    """The default root first, then the environment roots in path order."""
    extra = sorted(
        rel
        for rel in chart.files
        if (_ENV_VALUES.fullmatch(rel) and rel not in ("values.yaml", "values.yml")) or _CI_VALUES.fullmatch(rel)
    )
    return [RenderRoot(""), *(RenderRoot(rel) for rel in extra)]
