"""Coverage gates in JVM, Ruby and Rust build files (CATALOGUE.md CV-09): jacoco and Kover in
Gradle build scripts (with the root build's ``buildSrc`` convention plugins), jacoco-maven-plugin's
``check`` goal in ``pom.xml``, SimpleCov's ``minimum_coverage`` in ``.simplecov`` or the test
helpers that start it, cargo-tarpaulin's ``fail-under`` in ``tarpaulin.toml``/``.tarpaulin.toml``
(``tarpaulin.py``).

One object per build system and project folder (``gradle``, ``maven``, ``simplecov``,
``tarpaulin``), so rewriting ``build.gradle`` as ``build.gradle.kts``, or moving SimpleCov's
settings from ``spec/spec_helper.rb`` to ``.simplecov``, is no change. The files are read by the bounded text
scanners of ``build_scan``; a file they cannot read makes its object unknown (a notice, and no
comparison), never a removed gate.
"""

from __future__ import annotations

from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.gates.build_scan import Scan, scan_gradle, scan_maven, scan_simplecov
from regress.kinds.gates.model import FAMILY, Gate, Threshold
from regress.kinds.gates.tarpaulin import FILES as TARPAULIN
from regress.kinds.gates.tarpaulin import scan_tarpaulin
from regress.kinds.gates.textmap import LineMap
from regress.model import ModelObject, Notice, NoticeKind, Origin, Route
from regress.source.base import Snapshot

KIND = "build-coverage"
TYPE = "build-coverage"
GRADLE = ("build.gradle", "build.gradle.kts")
MAVEN = ("pom.xml",)
#: SimpleCov reads `.simplecov` at the project root when it is required (SimpleCov README,
#: "Using .simplecov"); projects also start it from their test helper.
SIMPLECOV_ROOT = (".simplecov",)
SIMPLECOV_HELPERS = ("spec/spec_helper.rb", "spec/rails_helper.rb", "test/test_helper.rb")
#: Precompiled script plugins of a build's `buildSrc` (Gradle docs, "Sharing build logic between
#: subprojects": convention plugins in `buildSrc/src/main/groovy|kotlin/*.gradle(.kts)`, plugin
#: id = file name, in a package folder or not). Their limits are read as the root build's, so
#: moving them out of the root script's `subprojects {}` into a convention plugin is no change.
CONVENTIONS = ("buildSrc/src/main/groovy/", "buildSrc/src/main/kotlin/")
GRADLE_SCRIPT = (".gradle", ".gradle.kts")
NAMES = frozenset({*GRADLE, *MAVEN, *SIMPLECOV_ROOT, *TARPAULIN, *(h.rsplit("/", 1)[1] for h in SIMPLECOV_HELPERS)})
#: (system, its files, their scanner, whether only the first file present is read: tarpaulin
#: reads `tarpaulin.toml` and only without it `.tarpaulin.toml`).
_SYSTEMS = (
    ("gradle", GRADLE, scan_gradle, False),
    ("maven", MAVEN, scan_maven, False),
    ("simplecov", (*SIMPLECOV_ROOT, *SIMPLECOV_HELPERS), scan_simplecov, False),
    ("tarpaulin", TARPAULIN, scan_tarpaulin, True),
)


def project_folder(path: str) -> str | None:
    """The project folder a build file belongs to, or None when it is not one."""
    folder, _, name = path.rpartition("/")
    if name in GRADLE or name in MAVEN or name in SIMPLECOV_ROOT or name in TARPAULIN:
        return folder
    if name.endswith(GRADLE_SCRIPT):
        for conventions in CONVENTIONS:
            at = ("/" + path).find("/" + conventions)
            if at >= 0:
                return path[:at].rstrip("/")
    for helper in SIMPLECOV_HELPERS:
        if path == helper or path.endswith("/" + helper):
            return path[: -len(helper)].rstrip("/")
    return None


class BuildCoverageHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        folder = project_folder(path)
        return [] if folder is None else [Unit(KIND, folder)]

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        prefix = f"{unit.root}/" if unit.root else ""
        for system, names, scan, first_only in _SYSTEMS:
            scans: list[tuple[str, Scan]] = []
            paths = [prefix + name for name in names]
            if system == "gradle":
                paths.extend(_convention_plugins(ctx, prefix))
            for path in paths:
                if not ctx.exists(path):
                    continue
                result.files.append(path)
                scans.append((path, scan(ctx.text(path))))
                if first_only:
                    break
            if scans:
                result.objects.append(_object(system, unit.root, scans, result))
        return result


def _convention_plugins(ctx: LoadContext, prefix: str) -> list[str]:
    return sorted(
        path
        for conventions in CONVENTIONS
        for path in ctx.snapshot.walk(prefix + conventions.rstrip("/"))
        if path.endswith(GRADLE_SCRIPT)
    )


def _object(system: str, folder: str, scans: list[tuple[str, Scan]], result: LoadResult) -> ModelObject:
    gates: dict[str, list[float]] = {}
    directions: dict[str, str] = {}
    switches: list[str] = []
    places: list[tuple[Route, str, int]] = []
    unknown = [(path, s.unknown) for path, s in scans if s.unknown]
    for path, s in scans:
        for found in s.gates:
            gates.setdefault(found.key, []).append(found.value)
            directions[found.key] = found.direction
            # The value is part of the route: a key may hold several limits.
            places.append((("gates", found.key, f"{found.value:g}"), path, found.line))
        for switch, line in s.switches:
            switches.append(switch)
            places.append((("switches", switch), path, line))
    for path, reason in unknown:
        result.notices.append(Notice(NoticeKind.DEGRADED, f"coverage gate not read, so not compared: {reason}", path))
    body: dict[str, Any] = {
        # Several limits may measure the same thing (two unnamed rules): kept as a sorted list,
        # so their order in the file does not matter.
        "gates": {k: sorted(v, reverse=directions[k] == "min") for k, v in sorted(gates.items())},
        "switches": sorted(set(switches)),
        "unknown": bool(unknown),
    }
    thresholds = tuple(Threshold(k, v, directions[k], f"{v:g}") for k, values in body["gates"].items() for v in values)
    first = scans[0][0]
    return ModelObject(
        FAMILY,
        TYPE,
        (TYPE, system, folder),
        body,
        Origin(KIND, first, LineMap(tuple(places), first)),
        f"{system} coverage gates in {folder or 'the repository root'}",
        Gate(system, folder, thresholds, {"switches": body["switches"], "unknown": bool(unknown)}),
    )
