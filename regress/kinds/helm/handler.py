"""Helm charts as units: every change under a chart folder renders the chart at base and head.

A chart folder (one with ``Chart.yaml``) is a unit; a chart inside another chart's ``charts/``
belongs to the outer chart, and a chart that others use through ``file://`` re-renders them too.
Each render root (``roots.py``) is rendered offline (``render.py``) into Kubernetes objects with
origin kind ``helm``, which then go through the Kubernetes rules like any manifest; their
locations point at the template line or the values key behind it (``sourcemap.py``). Each root
also yields a values object (``model.py``) for the values-level rules.

What cannot be rendered degrades, it never fails the run:

- no renderer installed → values-level analysis only, with a notice;
- a template error (a required value, a missing remote dependency) → a notice for that root;
- a render that hits a bound (time, memory, output size) → a notice on the base side, and on the
  head side an ``unverifiable-file`` finding: a chart that cannot be rendered within bounds cannot
  be verified, and a template loop must not be a way around every rule;
- an unparsable ``Chart.yaml`` on the head side → ``unverifiable-file``.
"""

from __future__ import annotations

import json
import posixpath
import tempfile
from dataclasses import dataclass
from pathlib import Path

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.helm import model as values_model
from regress.kinds.helm.chart import Chart, ChartTooLarge, materialize, read_chart
from regress.kinds.helm.render import (
    DEFAULT_LIMITS,
    Backend,
    BackendUnavailable,
    Limits,
    RenderJob,
    RenderResult,
    available_backends,
    render,
)
from regress.kinds.helm.roots import RenderRoot, discover
from regress.kinds.helm.sourcemap import RenderedSourceMap, TemplateSource
from regress.kinds.helm.switches import SwitchedRoot
from regress.kinds.helm.switches import plan as plan_switches
from regress.kinds.helm.values import (
    Layer,
    LayeredSourceMap,
    alias_copies,
    aliased_only,
    coalesce,
    disabled_dependencies,
    load_layer,
)
from regress.kinds.kubernetes.handler import objects_from_documents
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import ModelObject, Notice, NoticeKind, Origin, Side
from regress.source.base import Snapshot, join, parent_dirs
from regress.yamlload import LoadError, load_text

KIND = "helm"


def chart_root(path: str, snapshot: Snapshot) -> str | None:
    """The chart a path belongs to: the nearest folder with a Chart.yaml, or, when that chart
    sits in another chart's ``charts/`` folder, the outermost such chart."""
    found: str | None = None
    for folder in parent_dirs(path):
        is_chart = snapshot.blob_id(join(folder, "Chart.yaml")) is not None
        if is_chart and (found is None or found.startswith(join(folder, "charts") + "/")):
            found = folder
    return found


def file_dependents(root: str, snapshot: Snapshot) -> list[str]:
    """Charts beside ``root`` (same parent folder) that use it through a ``file://`` dependency.

    Only siblings are searched: a repository-wide search on every changed path would cost more
    than the rest of the run, and charts that share a library keep it next to them."""
    parent = posixpath.dirname(root)
    if not parent:
        return []
    out: list[str] = []
    depth = parent.count("/") + 2
    for path in snapshot.walk(parent):
        if posixpath.basename(path) not in ("Chart.yaml", "requirements.yaml") or path.count("/") != depth:
            continue
        folder = posixpath.dirname(path)
        if folder == root or folder in out:
            continue
        if any(_file_target(folder, repo) == root for repo in _dependency_repos(snapshot, path)):
            out.append(folder)
    return out


def _dependency_repos(snapshot: Snapshot, path: str) -> list[str]:
    try:
        data = snapshot.read(path)
    except KeyError:
        return []
    if b"file://" not in data:
        return []
    try:
        docs = load_text(data.decode("utf-8", errors="replace")).documents
    except LoadError:
        return []
    doc = docs[0] if docs else None
    deps = doc.get("dependencies") if isinstance(doc, dict) else None
    if not isinstance(deps, list):
        return []
    return [str(d.get("repository")) for d in deps if isinstance(d, dict) and d.get("repository")]


def _file_target(folder: str, repository: str) -> str | None:
    if not repository.startswith("file://"):
        return None
    return posixpath.normpath(join(folder, repository[len("file://") :]))


class HelmHandler:
    kind = KIND
    family = FAMILY

    def __init__(self, limits: Limits = DEFAULT_LIMITS, backends: list[Backend] | None = None) -> None:
        self.limits = limits
        #: None: whatever is installed (checked at load time).
        self.backends = backends

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        root = chart_root(path, snapshot)
        if root is None:
            return []
        units = [Unit(KIND, root)]
        units.extend(Unit(KIND, r) for r in file_dependents(root, snapshot))
        return units

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        chart_yaml = join(unit.root, "Chart.yaml")
        if not ctx.exists(chart_yaml):
            return result
        try:
            chart = read_chart(unit.root, ctx)
        except LoadError as exc:
            result.errors.append(UnitError(chart_yaml, exc.message, exc.line))
            return result
        except ChartTooLarge as exc:
            result.notices.append(Notice(NoticeKind.LIMIT, f"chart not analysed: {exc}", chart_yaml))
            return result
        result.files.extend(chart.origins.values())
        for text in chart.missing:
            result.notices.append(Notice(NoticeKind.UNRESOLVED, f"{text}: rendered without it", chart_yaml))
        for dep in chart.dependencies:
            if dep.import_values:
                result.notices.append(
                    Notice(
                        NoticeKind.DEGRADED,
                        f"dependency {dep.name!r} uses import-values, which is not applied when rendering",
                        chart_yaml,
                    )
                )
        roots = self._roots(chart, unit.root, ctx, result)
        _Loader(self, chart, ctx, result).run(roots)
        return result

    def _roots(self, chart: Chart, root: str, ctx: LoadContext, result: LoadResult) -> list[RenderRoot]:
        """This side's roots; environments that exist on one side only are not compared (there is
        nothing to compare them with), unless the whole chart is new or gone."""
        roots = discover(chart)
        other = ctx.other
        if other is None or other.blob_id(join(root, "Chart.yaml")) is None:
            return roots
        kept = []
        for r in roots:
            if not r.values_file or other.blob_id(join(root, r.values_file)) is not None:
                kept.append(r)
            elif ctx.side is Side.HEAD:
                message = "new values file: not compared (no base to compare with)"
                result.notices.append(Notice(NoticeKind.SKIPPED, message, join(root, r.values_file)))
        return kept


@dataclass
class _RootState:
    root: RenderRoot
    layers: tuple[Layer, ...]
    rendered: bool = False
    #: Set for an extra root that switches on a changed template's guard (``switches.py``).
    switched: SwitchedRoot | None = None
    #: Chart-relative templates that rendered something under this root.
    templates: frozenset[str] = frozenset()


class _Loader:
    """Loads one chart on one side: values objects for every root, then rendered objects."""

    def __init__(self, handler: HelmHandler, chart: Chart, ctx: LoadContext, result: LoadResult) -> None:
        self.handler = handler
        self.chart = chart
        self.ctx = ctx
        self.result = result
        self.chart_yaml = join(chart.root, "Chart.yaml")

    def run(self, roots: list[RenderRoot]) -> None:
        default = load_layer(self.chart, "values.yaml")
        states: list[_RootState] = []
        for root in roots:
            layers: list[Layer] = []
            if root.values_file:
                top = load_layer(self.chart, root.values_file)
                if top is None:
                    self.result.notices.append(
                        Notice(NoticeKind.INPUT, "values file is not a YAML mapping: not rendered", self._repo(root))
                    )
                    continue
                layers.append(top)
            if default is not None:
                layers.append(default)
            states.append(_RootState(root, tuple(layers)))
        switches = plan_switches(self.chart, self.ctx, [st.root for st in states], [st.layers for st in states])
        self.result.notices.extend(switches.notices)
        extra = [_RootState(sw.root, (default,) if default is not None else (), switched=sw) for sw in switches.roots]
        self._render([*states, *extra])
        self._unverified(switches.unsettled, states)
        for state in states:
            self.result.objects.append(self._values_object(state))

    def _unverified(self, unsettled: list[str], states: list[_RootState]) -> None:
        """Notices for changed templates, not settled by their guards, that rendered nothing
        under any root of the head (said once, from the head side)."""
        if self.ctx.side is not Side.HEAD or not any(st.rendered for st in states):
            return
        shown = set().union(*(st.templates for st in states))
        for rel in unsettled:
            if rel in shown:
                continue
            self.result.notices.append(
                Notice(
                    NoticeKind.DEGRADED,
                    "changed template renders nothing with any values file, and what guards it "
                    "could not be read: its change is not verified",
                    self.chart.repo_path(rel),
                )
            )

    def _repo(self, root: RenderRoot) -> str:
        return self.chart.repo_path(root.values_file or "values.yaml")

    def _values_object(self, state: _RootState) -> ModelObject:
        name = state.root.name(self.chart.root)
        path = state.layers[0].path if state.layers else self.chart.repo_path("values.yaml")
        return ModelObject(
            family=values_model.FAMILY,
            type=values_model.TYPE,
            key=(name,),
            body=coalesce(state.layers),
            origin=Origin(KIND, path, LayeredSourceMap(state.layers), name),
            label=f"chart {self.chart.root or '.'} ({state.root.title})",
            facts=values_model.ValuesFacts(self.chart.name, name, state.rendered, tuple(self.chart.declared)),
        )

    # -- rendering ------------------------------------------------------------------------------
    def _render(self, states: list[_RootState]) -> None:
        backends = self.handler.backends if self.handler.backends is not None else available_backends()
        if not backends:
            self.result.notices.append(
                Notice(
                    NoticeKind.DEGRADED,
                    "no Helm renderer (helm-python-sdk or a helm binary): rendered objects not compared, "
                    "values-level rules only",
                    self.chart_yaml,
                )
            )
            return
        with tempfile.TemporaryDirectory(prefix="regress-chart-") as tmp:
            jobs = self._jobs(states, Path(tmp))
            results: list[RenderResult] | None = None
            for backend in backends:
                try:
                    results = render(jobs, backend, self.handler.limits)
                    break
                except BackendUnavailable as exc:
                    self.result.notices.append(Notice(NoticeKind.DEGRADED, f"{backend.value}: {exc}", self.chart_yaml))
            if results is None:
                return
        for state, outcome in zip(states, results, strict=True):
            self._take(state, outcome)

    def _jobs(self, states: list[_RootState], tmp: Path) -> list[RenderJob]:
        renames = alias_copies(self.chart)
        always_without = aliased_only(self.chart)
        variants: dict[tuple[frozenset[str], str], Path] = {}
        jobs: list[RenderJob] = []
        for i, state in enumerate(states):
            without = disabled_dependencies(self.chart, state.layers) | always_without
            overrides = state.switched.overrides(self.chart) if state.switched is not None else {}
            variant = (without, state.root.switch if overrides else "")
            if variant not in variants:
                variants[variant] = materialize(self.chart, tmp / f"v{len(variants)}", without, renames, overrides)
            chart_dir = variants[variant]
            values_file = str(chart_dir / state.root.values_file) if state.root.values_file else None
            if state.switched is not None:
                # The switches go on top of values.yaml as one more values file (JSON is YAML).
                switch_file = tmp / f"switch-{i}.yaml"
                switch_file.write_text(json.dumps(state.switched.values()))
                values_file = str(switch_file)
            jobs.append(RenderJob(str(i), str(chart_dir), values_file))
        return jobs

    def _take(self, state: _RootState, outcome: RenderResult) -> None:
        where = self._repo(state.root)
        if state.switched is not None:
            where = self.chart.repo_path(state.switched.templates[0])
        if outcome.manifests is None:
            message = f"chart not rendered with {state.root.title}: {outcome.error}"
            if state.switched is not None:
                # An extra render of our own making: its failure leaves the template unverified,
                # it does not make the chart unverifiable.
                self.result.notices.append(Notice(NoticeKind.DEGRADED, message + "; not verified", where))
                return
            if outcome.limit and self.ctx.side is Side.HEAD:
                self.result.errors.append(UnitError(where, message))
            else:
                kind = NoticeKind.LIMIT if outcome.limit else NoticeKind.DEGRADED
                self.result.notices.append(Notice(kind, message + "; values-level rules only", where))
            return
        state.rendered = True
        name = state.root.name(self.chart.root)
        state.templates = frozenset(source.split("/", 1)[1] for source in outcome.manifests if "/" in source)
        for source, text in sorted(outcome.manifests.items()):
            if state.switched is not None and source.split("/", 1)[-1] not in state.switched.templates:
                continue  # the rest of the chart is what the other roots already show
            self._objects(state, name, source, text)

    def _objects(self, state: _RootState, render_root: str, source: str, text: str) -> None:
        rel = source.split("/", 1)[1] if "/" in source else source
        template = self._template(rel)
        try:
            loaded = load_text(text)
        except LoadError as exc:
            self.result.notices.append(
                Notice(NoticeKind.INPUT, f"rendered output is not YAML ({exc.message}): skipped", template.path)
            )
            return
        scope, own = self._scope(rel)
        for obj in objects_from_documents(loaded.documents, template.path, KIND, render_root, loaded.document_lines):
            smap = RenderedSourceMap(template, obj.type, state.layers, scope, own)
            obj.origin = Origin(KIND, template.path, smap, render_root)
            if state.switched is not None:
                # Every message names the object by its label: say how it was rendered.
                obj.label = obj.label.removesuffix(f" ({render_root})") + (
                    f" ({self.chart.root or '.'}, {state.switched.note()})"
                )
            self.result.objects.append(obj)

    def _template(self, rel: str) -> TemplateSource:
        data = self.chart.files.get(rel)
        if data is not None:
            return TemplateSource(self.chart.repo_path(rel), data.decode("utf-8", errors="replace"))
        # From an archive (charts/x-1.0.tgz) or an aliased copy: point at what is in the repository.
        parts = rel.split("/")
        if len(parts) > 2 and parts[0] == "charts":
            for dep in self.chart.dependencies:
                if parts[1] in (dep.alias, dep.name):
                    if dep.provided_by.endswith(".tgz"):
                        return TemplateSource(self.chart.repo_path(dep.provided_by), None)
                    inner = join(dep.provided_by, "/".join(parts[2:]))
                    inner_data = self.chart.files.get(inner)
                    if inner_data is not None:
                        return TemplateSource(self.chart.repo_path(inner), inner_data.decode("utf-8", errors="replace"))
        return TemplateSource(self.chart_yaml, None)

    def _scope(self, rel: str) -> tuple[str, tuple[Layer, ...]]:
        parts = rel.split("/")
        if len(parts) < 3 or parts[0] != "charts":
            return "", ()
        for dep in self.chart.dependencies:
            if parts[1] in (dep.alias, dep.name):
                own = load_layer(self.chart, join(dep.provided_by, "values.yaml"))
                return dep.scope, (own,) if own is not None else ()
        return parts[1], ()
