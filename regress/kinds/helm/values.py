"""Values of one render root: the layers (override file over the chart's values.yaml), where each
key is written, and which subcharts the values switch on.

Helm coalesces ``values.yaml`` with every ``-f`` file (later wins, maps merge, anything else is
replaced) and then decides which dependencies to load from their ``condition`` and ``tags``
(helm.sh/helm pkg/chart/v2/util/dependencies.go: conditions are evaluated after tags and win;
the first condition path that resolves to a boolean decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from regress.kinds.helm.chart import Chart, Dependency
from regress.model import Route
from regress.source.base import join
from regress.yamlload import LoadError, YList, YMap, load_text

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Layer:
    """One values file of a render root: its repository path and its loaded document."""

    path: str
    doc: Any


def load_layer(chart: Chart, rel: str) -> Layer | None:
    """A chart-relative values file as a layer; None if absent or not a mapping."""
    data = chart.files.get(rel)
    if data is None:
        return None
    try:
        docs = load_text(data.decode("utf-8", errors="replace")).documents
    except LoadError:
        return None
    doc = docs[0] if docs else None
    if doc is None:
        doc = YMap()
    if not isinstance(doc, dict):
        return None
    return Layer(chart.repo_path(rel), doc)


def lookup(layers: Sequence[Layer], route: Route) -> Any:
    """The value at ``route`` in the topmost layer that has it, or ``_MISSING``."""
    for layer in layers:
        value = _get(layer.doc, route)
        if value is not _MISSING:
            return value
    return _MISSING


def _get(value: Any, route: Route) -> Any:
    for step in route:
        if isinstance(value, dict):
            if step not in value:
                return _MISSING
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return _MISSING
    return value


def coalesce(layers: Sequence[Layer]) -> Any:
    """The merged values, topmost layer winning; maps merge, other values are replaced.

    ``null`` in an upper layer deletes the key, as in Helm (chartutil.CoalesceTables)."""
    merged: Any = YMap()
    for layer in reversed(layers):
        merged = _merge(merged, layer.doc)
    return merged


def _merge(lower: Any, upper: Any) -> Any:
    if isinstance(lower, dict) and isinstance(upper, dict):
        out = YMap(upper.line if isinstance(upper, YMap) else -1)
        for k, v in lower.items():
            out[k] = v
            if isinstance(lower, YMap) and k in lower.key_lines:
                out.key_lines[k] = lower.key_lines[k]
        for k, v in upper.items():
            if v is None:
                out.pop(k, None)
                continue
            out[k] = _merge(lower[k], v) if k in lower else v
            if isinstance(upper, YMap) and k in upper.key_lines:
                out.key_lines[k] = upper.key_lines[k]
        return out
    return upper


@dataclass(frozen=True, slots=True)
class LayeredSourceMap:
    """Routes into coalesced values: a route is located in the topmost layer that defines it
    fully, else in the layer that defines the longest part of it."""

    layers: tuple[Layer, ...]

    def locate(self, route: Route) -> tuple[str, int | None]:
        best: tuple[int, str, int | None] | None = None
        for layer in self.layers:
            depth, line = _deepest(layer.doc, route)
            if depth == len(route) and depth > 0:
                return layer.path, line
            if best is None or depth > best[0]:
                best = (depth, layer.path, line)
        if best is None:
            return "", None
        return best[1], best[2]


def _deepest(doc: Any, route: Route) -> tuple[int, int | None]:
    node = doc
    line: int | None = None
    depth = 0
    for step in route:
        if isinstance(node, YMap) and step in node:
            kl = node.key_lines.get(step)
            line = kl + 1 if kl is not None and kl >= 0 else line
            node = node[step]
        elif isinstance(node, YList) and isinstance(step, int) and 0 <= step < len(node):
            if step < len(node.item_lines):
                line = node.item_lines[step] + 1
            node = node[step]
        else:
            break
        depth += 1
    return depth, line


def subchart_layers(chart: Chart, dep: Dependency) -> list[Layer]:
    """A local subchart's own values.yaml as a layer scoped under its values key."""
    if dep.provided_by.endswith(".tgz"):
        return []
    layer = load_layer(chart, join(dep.provided_by, "values.yaml"))
    if layer is None:
        return []
    scoped = YMap()
    scoped[dep.scope] = layer.doc
    return [Layer(layer.path, scoped)]


def disabled_dependencies(chart: Chart, layers: Sequence[Layer]) -> frozenset[str]:
    """The subcharts (their ``provided_by``) that these values switch off."""
    out: set[str] = set()
    all_layers = list(layers)
    for dep in chart.dependencies:
        all_layers.extend(subchart_layers(chart, dep))
    tags = lookup(all_layers, ("tags",))
    for dep in chart.dependencies:
        enabled = True
        if dep.tags and isinstance(tags, dict):
            values = [tags.get(t) for t in dep.tags]
            if any(v is True for v in values):
                enabled = True
            elif any(v is False for v in values):
                enabled = False
        for raw_path in dep.condition.split(","):
            path = raw_path.strip()
            if not path:
                continue
            value = lookup(all_layers, tuple(path.split(".")))
            if isinstance(value, bool):
                enabled = value
                break
        if not enabled:
            out.add(dep.provided_by)
    return frozenset(out)


def alias_copies(chart: Chart) -> tuple[tuple[str, str], ...]:
    """Aliased subchart folders and the name each is rendered under."""
    return tuple(
        (dep.provided_by, dep.alias)
        for dep in chart.dependencies
        if dep.alias and dep.alias != dep.name and not dep.provided_by.endswith(".tgz")
    )


def aliased_only(chart: Chart) -> frozenset[str]:
    """Subchart folders used only under aliases: their own name renders nothing."""
    plain = {dep.provided_by for dep in chart.dependencies if not dep.alias or dep.alias == dep.name}
    return frozenset(src for src, _ in alias_copies(chart) if src not in plain)
