"""coverlet.msbuild coverage gates of .NET projects (CATALOGUE.md CV-09), read from the MSBuild
files a project's evaluation reads: the nearest ``Directory.Build.props`` above it, the project
file (``*.csproj``, ``*.fsproj``, ``*.vbproj``) and the nearest ``Directory.Build.targets``, in
that order, so a later assignment overrides an earlier one (MSBuild docs, "Customize your
build": ``Directory.Build.props`` is imported early by ``Microsoft.Common.props``,
``Directory.Build.targets`` late by ``Microsoft.Common.targets``). A props or targets file that
imports the one above it (``GetPathOfFileAbove``) is followed.

One object per project file, holding its *effective* gates: moving ``<Threshold>80</Threshold>``
from the ``.csproj`` to ``Directory.Build.props`` is no change. The semantics are those of the
pipeline-flag reader (``kinds/ci/coverage_flags.py``): ``Threshold`` defaults to 0 (no gate);
one value applies to every ``ThresholdType`` (default ``line,branch,method``); a list pairs with
the types in order; ``ThresholdStat`` defaults to ``minimum`` (coverlet.msbuild.props;
Documentation/MSBuildIntegration.md, "Threshold"). The thresholds gate only projects that
reference the ``coverlet.msbuild`` package (in any of those files; a reference guarded by
``IsTestProject`` only in test projects): a ``Directory.Build.props`` threshold means nothing to
the application projects beside the test projects.

Conditions: a group or property with a ``Condition`` sets a value that applies only sometimes.
Each condition is evaluated as its own scenario (the unconditional values, overridden by that
condition's), and a gate holds the distinct values of every scenario, so moving a threshold
into or out of a conditional group is no change and a lowering in either is seen. The MSBuild
idiom ``Condition="'$(Threshold)' == ''"`` (a default a command line may override) counts as
unconditional. A value this reader cannot work out (a property it does not know, a file that
does not parse) leaves the project unknown: a notice, and nothing compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.gates.model import FAMILY, Gate, Threshold
from regress.kinds.gates.msbuild import Assignment, MSBuildFile, read
from regress.kinds.gates.textmap import LineMap
from regress.model import ModelObject, Notice, NoticeKind, Origin, Route
from regress.source.base import Snapshot, join, parent_dirs, snapshot_memo
from regress.yamlload import LoadError

KIND = "msbuild-coverage"
TYPE = "build-coverage"
PROJECT_SUFFIXES = (".csproj", ".fsproj", ".vbproj")
PROPS = "Directory.Build.props"
TARGETS = "Directory.Build.targets"
NAMES = frozenset({PROPS, TARGETS})
PACKAGE = "coverlet.msbuild"
TEST_SDK = "microsoft.net.test.sdk"

#: coverlet.msbuild.props: `ThresholdType` defaults to `line,branch,method`, `ThresholdStat`
#: to `minimum`, `Threshold` to 0 and `CollectCoverage` to false.
_TYPES = ("line", "branch", "method")
_PROPERTIES = frozenset({"threshold", "thresholdtype", "thresholdstat", "collectcoverage"})
#: `ThresholdStat=minimum` gates every module; `total` and `average` gate an aggregate, which
#: is never below the lowest module, so a minimum bar implies the same aggregate bars.
_AGGREGATES = ("total", "average")
_MAX_IMPORTS = 16


@dataclass(frozen=True, slots=True)
class _Set:
    """One coverlet property assignment in evaluation order."""

    name: str
    value: str
    condition: str
    path: str
    line: int


class Unknown(Exception):
    """A setting this reader cannot work out."""


def is_project(path: str) -> bool:
    return path.endswith(PROJECT_SUFFIXES)


class CoverletHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        folder, _, name = path.rpartition("/")
        if is_project(path):
            return [Unit(KIND, path)]
        if name not in NAMES:
            return []
        # A props or targets file reaches every project below its folder.
        memo = snapshot_memo(snapshot)
        key = ("msbuild-projects", folder)
        if key not in memo:
            memo[key] = [Unit(KIND, p) for p in snapshot.walk(folder) if is_project(p)]
        found: list[Unit] = memo[key]
        return list(found)

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        project = unit.root
        if not ctx.exists(project):
            return result
        folder = project.rpartition("/")[0]
        try:
            sets: list[_Set] = []
            known: dict[str, str] = {}
            packages: list[tuple[str, str]] = []
            for path in _sequence(ctx, project, folder, result):
                parsed = _read(ctx, path)
                packages.extend(parsed.packages)
                sets.extend(_coverlet_sets(path, parsed, known))
            # The thresholds are read by coverlet.msbuild's targets, which only a project that
            # references the package imports: elsewhere they gate nothing.
            gates, switches = _evaluate(sets) if _uses_coverlet(packages, known) else ({}, [])
            unknown = ""
        except Unknown as exc:
            gates, switches, unknown = {}, [], str(exc)
            result.notices.append(
                Notice(NoticeKind.DEGRADED, f"coverage gate not read, so not compared: {unknown}", project)
            )
        result.objects.append(_object(project, gates, switches, bool(unknown)))
        return result


def _uses_coverlet(packages: list[tuple[str, str]], known: dict[str, str]) -> bool:
    """Whether the project references coverlet.msbuild. A reference guarded by
    ``IsTestProject`` (the usual way a ``Directory.Build.props`` gives it to test projects only)
    counts for test projects: those that reference Microsoft.NET.Test.Sdk, whose build props set
    ``IsTestProject`` to true, or set it themselves. Other conditions are taken as met."""
    test = known.get("istestproject", "").strip().lower() == "true" or any(p == TEST_SDK for p, _ in packages)
    return any(p == PACKAGE and ("istestproject" not in guard.lower() or test) for p, guard in packages)


def _read(ctx: LoadContext, path: str) -> MSBuildFile:
    # A Directory.Build.props is read once per project below it: parsed once per blob.
    blob = ctx.snapshot.blob_id(path)
    parsed = ctx.cache.get("msbuild", blob) if blob else None
    if not isinstance(parsed, MSBuildFile):
        try:
            parsed = read(ctx.text(path))
        except (LoadError, KeyError) as exc:
            raise Unknown(f"{path}: {exc}") from None
        if blob:
            ctx.cache.put("msbuild", blob, parsed)
    if parsed.unreadable:
        raise Unknown(f"{path}: {parsed.unreadable}")
    return parsed


def _nearest(ctx: LoadContext, name: str, start: str) -> str | None:
    """The first ``name`` in ``start`` or a folder above it (how MSBuild finds the file)."""
    for folder in parent_dirs(join(start, name)):
        path = join(folder, name)
        if ctx.exists(path):
            return path
    return None


def _sequence(ctx: LoadContext, project: str, folder: str, result: LoadResult) -> list[str]:
    """The files of a project's evaluation, in order, each after the files it imports first."""
    out: list[str] = []
    props = _nearest(ctx, PROPS, folder)
    if props:
        out.extend(_with_parents(ctx, props, PROPS))
    out.append(project)
    targets = _nearest(ctx, TARGETS, folder)
    if targets:
        out.extend(_with_parents(ctx, targets, TARGETS))
    result.files.extend(dict.fromkeys(out))
    return out


def _with_parents(ctx: LoadContext, path: str, name: str) -> list[str]:
    """``path`` preceded by the same-named file above it when it imports that one (taken as
    evaluated first: the import is written at the top of the file in MSBuild's own example)."""
    chain = [path]
    while len(chain) < _MAX_IMPORTS:
        here = chain[0].rpartition("/")[0]
        parsed = _read(ctx, chain[0])
        # `$([MSBuild]::GetPathOfFileAbove('Directory.Build.props', …))`, or the older
        # `$([MSBuild]::GetDirectoryNameOfFileAbove(…, 'Directory.Build.props'))\Directory.Build.props`.
        if not any("OfFileAbove" in p and name in p for p in parsed.imports) or not here:
            break
        above = _nearest(ctx, name, here.rpartition("/")[0])
        if above is None or above in chain:
            break
        chain.insert(0, above)
    return chain


_UNSET_GUARD = re.compile(r"^'?\$\((?P<name>[\w.]+)\)'?\s*==\s*''$")
_REFERENCE = re.compile(r"\$\((?P<name>[\w.]+)\)")


def _coverlet_sets(path: str, parsed: MSBuildFile, known: dict[str, str]) -> list[_Set]:
    """The coverlet assignments of one file; ``known`` collects its unconditional properties so
    a later ``$(Name)`` can be resolved."""
    out: list[_Set] = []
    for a in parsed.assignments:
        name = a.name.lower()
        conditions = [c for c in a.conditions if not _guards_itself(c, name)]
        condition = " and ".join(conditions)
        value = _resolve(a, known, name in _PROPERTIES)
        if not condition and value is not None:
            known[name] = value
        if name in _PROPERTIES:
            assert value is not None
            out.append(_Set(name, value, condition, path, a.line))
    return out


def _guards_itself(condition: str, name: str) -> bool:
    m = _UNSET_GUARD.match(condition.strip())
    return m is not None and m.group("name").lower() == name


def _resolve(a: Assignment, known: dict[str, str], needed: bool) -> str | None:
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        got = known.get(m.group("name").lower())
        if got is None:
            missing.append(m.group(0))
            return m.group(0)
        return got

    value = _REFERENCE.sub(sub, a.value)
    if missing or "$(" in value or "@(" in value or "%(" in value:
        if needed:
            raise Unknown(f"`<{a.name}>{a.value}</{a.name}>` on line {a.line} is not a literal value")
        return None
    return value


def _evaluate(sets: list[_Set]) -> tuple[dict[str, list[tuple[float, str, int]]], list[tuple[str, str, int]]]:
    """Gates (``coverlet <type> <stat>`` → distinct values with where they were set) and
    switches that keep the gate from failing, over every scenario of the conditions."""
    plain: dict[str, _Set] = {}
    conditional: dict[str, dict[str, _Set]] = {}
    for s in sets:
        if s.condition:
            conditional.setdefault(s.condition, {})[s.name] = s
            continue
        plain[s.name] = s
        for values in conditional.values():
            values.pop(s.name, None)  # a later unconditional value wins whatever the condition
    gates: dict[str, list[tuple[float, str, int]]] = {}
    switches: list[tuple[str, str, int]] = []
    for scenario in (plain, *({**plain, **c} for c in conditional.values())):
        found = _scenario(scenario)
        for key, entry in found:
            if all(v != entry[0] for v, _, _ in gates.setdefault(key, [])):
                gates[key].append(entry)
        off = scenario.get("collectcoverage")
        if found and off is not None and off.value.strip().lower() == "false":
            switches.append(("coverlet CollectCoverage = false", off.path, off.line))
    return gates, switches


def _scenario(props: dict[str, _Set]) -> list[tuple[str, tuple[float, str, int]]]:
    threshold = props.get("threshold")
    if threshold is None:
        return []
    kinds = props.get("thresholdtype")
    types = [t.strip().lower() for t in kinds.value.split(",")] if kinds and kinds.value else list(_TYPES)
    stat_set = props.get("thresholdstat")
    stat = stat_set.value.strip().lower() if stat_set and stat_set.value.strip() else "minimum"
    try:
        values = [float(v) for v in threshold.value.split(",")]
    except ValueError:
        raise Unknown(f"`<Threshold>{threshold.value}</Threshold>` on line {threshold.line} is not a number") from None
    if len(values) == 1:
        values = values * len(types)
    if len(values) != len(types):
        raise Unknown(f"{len(values)} thresholds for {len(types)} threshold types on line {threshold.line}")
    # 0 is coverlet's "no threshold" (coverlet.msbuild.props default).
    return [
        (f"coverlet {kind} {stat}", (value, threshold.path, threshold.line))
        for kind, value in zip(types, values, strict=True)
        if value > 0
    ]


def _object(
    project: str,
    gates: dict[str, list[tuple[float, str, int]]],
    switches: list[tuple[str, str, int]],
    unknown: bool,
) -> ModelObject:
    places: list[tuple[Route, str, int]] = []
    for key, entries in sorted(gates.items()):
        # The value is part of the route: a gate may hold several (one per condition).
        places.extend((("gates", key, f"{value:g}"), path, line) for value, path, line in entries)
    for switch, path, line in switches:
        places.append((("switches", switch), path, line))
    values = {k: sorted((v for v, _, _ in entries), reverse=True) for k, entries in sorted(gates.items())}
    implied: dict[str, list[float]] = {}
    for key, found in values.items():
        tool, kind, stat = key.split(" ", 2)
        if stat == "minimum":
            for aggregate in _AGGREGATES:
                implied.setdefault(f"{tool} {kind} {aggregate}", []).extend(found)
    body: dict[str, Any] = {
        "gates": values,
        "implied": {k: sorted(v, reverse=True) for k, v in sorted(implied.items())},
        "switches": sorted({s for s, _, _ in switches}),
        "unknown": unknown,
        # Where the values were set: projects that take the same values from the same lines of
        # a shared Directory.Build.props are one finding, not one per project (CV009).
        "set_in": sorted({f"{path}:{line}" for _, path, line in places}),
    }
    thresholds = tuple(Threshold(k, v, "min", f"{v:g}") for k, vs in values.items() for v in vs)
    return ModelObject(
        FAMILY,
        TYPE,
        (TYPE, "coverlet", project),
        body,
        Origin(KIND, project, LineMap(tuple(places), project)),
        f"coverlet coverage gates of {project}",
        Gate("coverlet", project, thresholds, {"switches": body["switches"], "unknown": unknown}),
    )
