"""Extra render roots for changed templates that every values file switches off.

A template wrapped in ``{{- if .Values.rbac.sccEnabled }}`` whose switch is off in ``values.yaml``
and in every environment file renders to nothing under every render root, on both sides: a
change to it shows in no rendered object and would pass unverified. For each such template the
chart is rendered once more on both sides, with ``values.yaml`` and the guard's switches turned on
(``rbac.sccEnabled=true``), as an extra render root named for what was switched
(``chart@switch:rbac.sccEnabled=true``). Only the guarded template's objects are kept from that
render, and their labels say how they were rendered, so every finding on them says so too.

The decision is the same on both sides, so the extra root exists on both or on neither: it is
made from the template's text and the values files of *both* snapshots (``LoadContext.other``,
read only to decide what to render). A template qualifies when

- it is one of the chart's own templates (not a subchart's), present on both sides, and changed;
- on each side a guard wraps the whole file (``guards.find_guard``), and that guard is off under
  every render root of that side (``guards.evaluate``: false, not unknown);
- the two sides' guards can be switched on together (``guards.switch_on``).

A changed template whose guard cannot be switched on is named in a notice, and so is one that the
head renders under no root when its guard could not be read or evaluated (the handler checks the
head's render for those).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

from regress.kinds.base import LoadContext
from regress.kinds.helm import guards
from regress.kinds.helm.chart import Chart
from regress.kinds.helm.roots import RenderRoot
from regress.kinds.helm.values import Layer, coalesce
from regress.model import Notice, NoticeKind, Side
from regress.source.base import join
from regress.yamlload import LoadError, YMap, load_text

#: Extra renders per chart and side: each costs a whole render of the chart.
MAX_SWITCH_ROOTS = 4


@dataclass(frozen=True, slots=True)
class SwitchedRoot:
    """One extra render: the root, what it switches on, and the templates it is for."""

    root: RenderRoot
    switch: guards.SwitchOn
    #: Chart-relative template paths whose objects this render contributes.
    templates: tuple[str, ...]
    #: This side's guard of each template (to answer capability checks in the copy).
    guards: tuple[guards.Guard, ...]

    def values(self) -> dict[str, object]:
        """The switches as a values document to put on top of ``values.yaml``."""
        out: dict[str, object] = {}
        for path, value in self.switch.values:
            node = out
            for step in path[:-1]:
                child = node.get(step)
                if not isinstance(child, dict):
                    child = {}
                    node[step] = child
                node = child
            node[path[-1]] = value
        return out

    def overrides(self, chart: Chart) -> dict[str, bytes]:
        """Templates rewritten for this render (capability checks answered true)."""
        out: dict[str, bytes] = {}
        if not self.switch.apis:
            return out
        for rel, guard in zip(self.templates, self.guards, strict=True):
            text = chart.files[rel].decode("utf-8", errors="replace")
            out[rel] = guards.answer_apis(text, guard, self.switch.apis).encode()
        return out

    def note(self) -> str:
        """What every object of this render says about how it was rendered."""
        values = ", ".join(f"{'.'.join(p)}={guards.show(v)}" for p, v in self.switch.values)
        apis = " and ".join(self.switch.apis)
        how = " ".join(x for x in (values, f"as if the cluster served {apis}" if apis else "") if x)
        return f"rendered with {how}; no values file renders it"


@dataclass
class Plan:
    roots: list[SwitchedRoot]
    #: Changed templates of the chart's own (chart-relative) whose fate is not settled here:
    #: neither given an extra root or a notice, nor switched on under some root of either side
    #: (then that side renders it, and the change shows as objects added or removed).
    unsettled: list[str]
    notices: list[Notice]


def is_template(rel: str) -> bool:
    """A file Helm renders into the manifest: under templates/, not a partial, not NOTES.txt
    (pkg/action/action.go renderResources; the worker drops the same files)."""
    base = posixpath.basename(rel)
    return rel.startswith("templates/") and not base.startswith("_") and base != "NOTES.txt"


def plan(chart: Chart, ctx: LoadContext, roots: Sequence[RenderRoot], layers: Sequence[tuple[Layer, ...]]) -> Plan:
    """The extra roots for ``chart`` on this side; ``layers`` are this side's values per root."""
    out = Plan([], [], [])
    other = ctx.other
    if other is None or other.blob_id(join(chart.root, "Chart.yaml")) is None:
        return out
    other_layers: list[tuple[Layer, ...]] | None = None
    grouped: dict[str, tuple[guards.SwitchOn, list[str], list[guards.Guard]]] = {}
    for rel in sorted(chart.files):
        path = join(chart.root, rel)
        if not is_template(rel) or chart.origins.get(rel) != path:
            continue
        mine, theirs = ctx.snapshot.blob_id(path), other.blob_id(path)
        if theirs is None or mine == theirs:
            continue
        here = guards.find_guard(chart.files[rel].decode("utf-8", errors="replace"))
        there_text = _read_other(ctx, path)
        there = guards.find_guard(there_text) if there_text is not None else None
        if here is None or there is None:
            out.unsettled.append(rel)
            continue
        if other_layers is None:
            other_layers = _other_layers(ctx, chart, roots)
        here_on, there_on = _states(here, layers), _states(there, other_layers)
        if True in here_on or True in there_on:
            continue
        if here_on != {False} or there_on != {False}:
            out.unsettled.append(rel)
            continue
        base_guard, head_guard = (here, there) if ctx.side is Side.BASE else (there, here)
        on_base, on_head = guards.switch_on(base_guard.condition), guards.switch_on(head_guard.condition)
        switch = on_base.merged(on_head) if on_base is not None and on_head is not None else None
        if switch is None:
            out.notices.append(
                Notice(
                    NoticeKind.DEGRADED,
                    f"changed template renders nothing with any values file, and its condition "
                    f"({head_guard.text}) cannot be switched on offline: not verified",
                    path,
                )
            )
            continue
        entry = grouped.setdefault(switch.describe(), (switch, [], []))
        entry[1].append(rel)
        entry[2].append(here)
    for i, key in enumerate(sorted(grouped)):
        switch, templates, template_guards = grouped[key]
        if i >= MAX_SWITCH_ROOTS:
            out.notices.append(
                Notice(
                    NoticeKind.LIMIT,
                    f"changed template renders nothing with any values file; more than {MAX_SWITCH_ROOTS} "
                    f"switch combinations would need their own render: not verified ({key})",
                    join(chart.root, templates[0]),
                )
            )
            continue
        out.roots.append(SwitchedRoot(RenderRoot("", key), switch, tuple(templates), tuple(template_guards)))
    return out


def _states(guard: guards.Guard, layers: Sequence[tuple[Layer, ...]]) -> set[object]:
    """The guard's truth under each root: a set of True, False and UNKNOWN."""
    return {guards.truth(guards.evaluate(guard.condition, coalesce(ls))) for ls in layers}


def _read_other(ctx: LoadContext, path: str) -> str | None:
    other = ctx.other
    assert other is not None
    size = other.size(path)
    if size is not None and size > ctx.max_file_bytes:
        return None
    try:
        return other.read(path).decode("utf-8", errors="replace")
    except KeyError:
        return None


def _other_layers(ctx: LoadContext, chart: Chart, roots: Sequence[RenderRoot]) -> list[tuple[Layer, ...]]:
    """The other side's values for each of these roots (they exist on both sides: the handler
    compares only environments present on both)."""
    default = _other_layer(ctx, join(chart.root, "values.yaml"))
    out: list[tuple[Layer, ...]] = []
    for root in roots:
        layers: list[Layer] = []
        if root.values_file:
            top = _other_layer(ctx, join(chart.root, root.values_file))
            if top is None:
                continue
            layers.append(top)
        if default is not None:
            layers.append(default)
        out.append(tuple(layers))
    return out


def _other_layer(ctx: LoadContext, path: str) -> Layer | None:
    text = _read_other(ctx, path)
    if text is None:
        return None
    try:
        docs = load_text(text).documents
    except LoadError:
        return None
    doc = docs[0] if docs else None
    if doc is None:
        doc = YMap()
    return Layer(path, doc) if isinstance(doc, dict) else None
