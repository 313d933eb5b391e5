"""A Helm chart as read from one snapshot: its files, its dependencies, and a copy on disk to render.

Charts come from pull-request authors, so reading one is bounded (file count and total bytes)
and the on-disk copy is written by us from regular files only: no symlink the author planted can
make the renderer read outside the copy.

Dependencies are resolved the way ``helm dependency build`` would leave them, without a network:
subcharts already in ``charts/`` (folders or ``.tgz`` archives) are used as they are, ``file://``
dependencies are copied in from the same snapshot, and anything else that is missing is dropped
from the copy's ``Chart.yaml``/``requirements.yaml`` (and reported), so the chart still renders.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regress.kinds.base import LoadContext
from regress.source.base import join
from regress.yamlload import LoadError, YFloat, load_text

#: Bounds on what one chart (with its local subcharts) may bring in.
MAX_CHART_FILES = 3000
MAX_CHART_BYTES = 32 * 1024 * 1024
#: ``file://`` dependencies may chain (a chart using a library that uses another); past this
#: depth the chain is cut and reported.
MAX_DEPENDENCY_DEPTH = 5


class ChartTooLarge(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Dependency:
    name: str
    alias: str
    repository: str
    condition: str
    tags: tuple[str, ...]
    #: The folder under ``charts/`` (or archive) that provides it in the copy, or "" if missing.
    provided_by: str
    import_values: bool

    @property
    def scope(self) -> str:
        """The values key the subchart reads its values from (its alias, else its name)."""
        return self.alias or self.name


@dataclass
class Chart:
    """A chart's files (chart-relative path → bytes) and what its dependencies resolve to."""

    root: str
    name: str
    api_version: str
    files: dict[str, bytes] = field(default_factory=dict)
    #: Where each chart-relative file came from in the repository (file:// copies differ).
    origins: dict[str, str] = field(default_factory=dict)
    dependencies: list[Dependency] = field(default_factory=list)
    #: Human-readable notes on what could not be resolved.
    missing: list[str] = field(default_factory=list)
    #: The chart's own metadata file (Chart.yaml) as loaded, for the dependency list.
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Every dependency the chart declares, present or not, as (values key, condition, tags).
    declared: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    def repo_path(self, chart_path: str) -> str:
        """The repository path of a chart-relative file (``charts/sub/templates/x.yaml``)."""
        return self.origins.get(chart_path, join(self.root, chart_path))


def read_chart(root: str, ctx: LoadContext) -> Chart:
    """The chart at ``root`` with its local subcharts; raises ChartTooLarge or LoadError."""
    meta = _yaml_map(ctx, join(root, "Chart.yaml"))
    chart = Chart(
        root=root,
        name=str(meta.get("name") or posixpath.basename(root) or "chart"),
        api_version=str(meta.get("apiVersion") or "v1"),
        metadata=meta,
    )
    budget = _Budget()
    _copy_tree(ctx, root, "", chart, budget)
    _resolve_dependencies(ctx, chart, budget, depth=0)
    return chart


@dataclass
class _Budget:
    files: int = 0
    size: int = 0

    def take(self, size: int) -> None:
        self.files += 1
        self.size += size
        if self.files > MAX_CHART_FILES:
            raise ChartTooLarge(f"more than {MAX_CHART_FILES} files")
        if self.size > MAX_CHART_BYTES:
            raise ChartTooLarge(f"more than {MAX_CHART_BYTES // (1024 * 1024)} MiB")


def _copy_tree(ctx: LoadContext, repo_folder: str, into: str, chart: Chart, budget: _Budget) -> None:
    prefix = f"{repo_folder}/" if repo_folder else ""
    for path in ctx.snapshot.walk(repo_folder):
        rel = path[len(prefix) :]
        # NOTES.txt is shown to a user after install and never deployed; it also fails to render
        # whenever a missing dependency's values are absent, which would hide the real manifests.
        if posixpath.basename(rel) == "NOTES.txt":
            continue
        size = ctx.snapshot.size(path) or 0
        budget.take(size)
        target = join(into, rel)
        chart.files[target] = ctx.read(path)
        chart.origins[target] = path


def _yaml_map(ctx: LoadContext, path: str) -> dict[str, Any]:
    docs = ctx.yaml(path).documents
    doc = docs[0] if docs else None
    if not isinstance(doc, dict):
        raise LoadError(f"{posixpath.basename(path)} is not a mapping")
    return doc


def _declared(ctx: LoadContext, chart: Chart, folder: str) -> tuple[list[Any], str]:
    """The dependency list and the chart-relative file that declares it (Chart.yaml for v2
    charts, requirements.yaml for v1 ones)."""
    meta_path = join(folder, "Chart.yaml")
    meta = _parse_map(chart.files.get(meta_path))
    deps = meta.get("dependencies")
    if isinstance(deps, list) and deps:
        return deps, meta_path
    req_path = join(folder, "requirements.yaml")
    req = _parse_map(chart.files.get(req_path))
    deps = req.get("dependencies")
    if isinstance(deps, list):
        return deps, req_path
    return [], meta_path


def _parse_map(data: bytes | None) -> dict[str, Any]:
    if data is None:
        return {}
    try:
        docs = load_text(data.decode("utf-8", errors="replace")).documents
    except LoadError:
        return {}
    return docs[0] if docs and isinstance(docs[0], dict) else {}


def _resolve_dependencies(ctx: LoadContext, chart: Chart, budget: _Budget, depth: int, folder: str = "") -> None:
    declared, declaring_file = _declared(ctx, chart, folder)
    kept: list[Any] = []
    changed = False
    charts_dir = join(folder, "charts")
    present = _present_subcharts(chart, charts_dir)
    for raw in declared:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            changed = True
            continue
        name = raw["name"]
        repo = str(raw.get("repository") or "")
        if folder == "":
            tags = tuple(str(t) for t in raw.get("tags") or () if isinstance(t, str))
            chart.declared.append((str(raw.get("alias") or name), str(raw.get("condition") or ""), tags))
        provided = present.get(name, "")
        if not provided and repo.startswith("file://"):
            provided = _copy_file_dependency(ctx, chart, budget, folder, name, repo[len("file://") :], depth)
        if not provided:
            where = f" from {repo}" if repo else ""
            chart.missing.append(f"dependency {name!r}{where} is not in charts/ and cannot be fetched offline")
            changed = True
            continue
        kept.append(raw)
        if folder == "":
            chart.dependencies.append(
                Dependency(
                    name=name,
                    alias=str(raw.get("alias") or ""),
                    repository=repo,
                    condition=str(raw.get("condition") or ""),
                    tags=tuple(str(t) for t in raw.get("tags") or () if isinstance(t, str)),
                    provided_by=provided,
                    import_values=bool(raw.get("import-values")),
                )
            )
    if changed:
        # Helm refuses to render a chart whose declared dependencies are missing from charts/
        # (action.CheckDependencies), so the copy declares only those it has. JSON is YAML.
        doc = dict(_parse_map(chart.files.get(declaring_file)))
        doc["dependencies"] = kept
        chart.files[declaring_file] = json.dumps(_plain(doc)).encode()


def _present_subcharts(chart: Chart, charts_dir: str) -> dict[str, str]:
    """Subcharts already in ``charts/``: name → folder or archive (chart-relative)."""
    out: dict[str, str] = {}
    prefix = f"{charts_dir}/"
    for path in chart.files:
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        if rest.endswith("/Chart.yaml") and rest.count("/") == 1:
            sub = rest.split("/", 1)[0]
            meta = _parse_map(chart.files[path])
            out.setdefault(str(meta.get("name") or sub), f"{prefix}{sub}")
        elif "/" not in rest and rest.endswith(".tgz"):
            # charts/<name>-<version>.tgz, as `helm dependency build` leaves them.
            stem = rest[: -len(".tgz")]
            name = stem.rsplit("-", 1)[0] if "-" in stem else stem
            out.setdefault(name, path)
    return out


def _copy_file_dependency(
    ctx: LoadContext, chart: Chart, budget: _Budget, folder: str, name: str, rel: str, depth: int
) -> str:
    if depth >= MAX_DEPENDENCY_DEPTH:
        return ""
    source_folder = chart.repo_path(join(folder, "Chart.yaml")).rpartition("/")[0]
    target = posixpath.normpath(join(source_folder, rel)) if source_folder else posixpath.normpath(rel)
    if target.startswith(("../", "/")) or target == "..":
        return ""  # outside the repository
    target = "" if target == "." else target
    if not ctx.exists(join(target, "Chart.yaml")):
        return ""
    into = join(join(folder, "charts"), name)
    _copy_tree(ctx, target, into, chart, budget)
    _resolve_dependencies(ctx, chart, budget, depth + 1, into)
    return into


def _plain(value: Any) -> Any:
    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def materialize(
    chart: Chart,
    target: Path,
    without: frozenset[str] = frozenset(),
    renames: tuple[tuple[str, str], ...] = (),
    overrides: Mapping[str, bytes] | None = None,
) -> Path:
    """Write the chart under ``target/<name>``; ``without`` drops subcharts (chart-relative
    folders or archives), ``renames`` copies a subchart folder under an alias, and
    ``overrides`` replaces the content of some chart-relative files."""
    base = target / _safe(chart.name)
    for rel, data in chart.files.items():
        if any(rel == w or rel.startswith(f"{w}/") for w in without):
            continue
        _write(base, rel, overrides.get(rel, data) if overrides else data)
    for source, alias in renames:
        prefix = f"{source}/"
        for rel, data in chart.files.items():
            if rel.startswith(prefix):
                content = data
                if rel == f"{prefix}Chart.yaml":
                    # Helm's alias handling renames the subchart (chartutil.getAliasDependency).
                    meta = dict(_parse_map(data))
                    meta["name"] = alias
                    content = json.dumps(_plain(meta)).encode()
                _write(base, f"charts/{alias}/{rel[len(prefix) :]}", content)
    return base


def _safe(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".")
    return cleaned or "chart"


def _write(base: Path, rel: str, data: bytes) -> None:
    parts = [p for p in rel.split("/") if p not in ("", ".", "..")]
    if not parts:
        return
    path = base.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
