"""JavaScript test settings that gate tests: the npm ``test`` script, jest's coverage thresholds and
ignore patterns, vitest's coverage thresholds and excludes, nyc and c8 coverage checks (``nyc``).

A unit is a folder (a package): ``package.json`` (``scripts.test``, a ``jest`` key), ``jest.config.*``,
``vitest.config.*``/``vite.config.*`` and the nyc/c8 settings files. JSON is read fully; JavaScript
and TypeScript configs are read only where a setting is written as a literal (see ``jsliteral``),
and a notice says when one is not. Jest thresholds are percentages when positive and a maximum
number of uncovered items when negative (docs "Configuring Jest: coverageThreshold"); vitest reads
``test.coverage.thresholds`` and, before vitest 1.0, ``test.coverage.lines`` and friends (vitest
PR #4442).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.ci import classify as cls
from regress.kinds.ci.lint_flags import strictest, warning_limits
from regress.kinds.gates import jsliteral, lint_configs, nyc
from regress.kinds.gates.model import FAMILY, Gate, Threshold
from regress.kinds.gates.textmap import TextSourceMap
from regress.model import ModelObject, Notice, NoticeKind, Origin
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "js-tests"
_JEST = ("jest.config.json", "jest.config.js", "jest.config.ts", "jest.config.mjs", "jest.config.cjs")
_VITEST = (
    "vitest.config.ts",
    "vitest.config.js",
    "vitest.config.mts",
    "vitest.config.mjs",
    "vite.config.ts",
    "vite.config.js",
    "vite.config.mts",
    "vite.config.mjs",
)
FILES = ("package.json", *_JEST, *_VITEST, *nyc.FILES, "nyc.config.js")
METRICS = ("lines", "branches", "functions", "statements")


class JsTestsHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        folder, _, name = path.rpartition("/")
        if name not in FILES or "node_modules/" in f"{path}/":
            return []
        return [Unit(KIND, folder)]

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        prefix = f"{unit.root}/" if unit.root else ""
        package = self.package(prefix + "package.json", ctx, result)
        if package is not None:
            script_object(package, prefix + "package.json", ctx, unit.root, result)
            lint_object(package, prefix + "package.json", ctx, unit.root, result)
        jest(package, prefix, ctx, unit.root, result)
        vitest(prefix, ctx, unit.root, result)
        for tool in ("nyc", "c8"):
            nyc.load(tool, package, prefix, ctx, unit.root, result)
        return result

    def package(self, path: str, ctx: LoadContext, result: LoadResult) -> dict[str, Any] | None:
        if not ctx.exists(path):
            return None
        result.files.append(path)
        try:
            data = json.loads(ctx.text(path))
        except (LoadError, ValueError) as exc:
            result.errors.append(UnitError(path, f"invalid JSON: {exc}"))
            return None
        return data if isinstance(data, dict) else None


def _text(ctx: LoadContext, path: str) -> str:
    return ctx.text(path)


def script_object(package: Mapping[str, Any], path: str, ctx: LoadContext, folder: str, result: LoadResult) -> None:
    scripts = package.get("scripts")
    if not isinstance(scripts, dict):
        return
    tests = {k: str(v) for k, v in scripts.items() if k == "test" or str(k).startswith("test:")}
    if not tests:
        return
    runs = {k: sorted(cls.classify_script(v)[0]) for k, v in tests.items()}
    result.objects.append(
        ModelObject(
            FAMILY,
            "npm-test-script",
            ("npm-test-script", folder),
            {"scripts": tests},
            Origin(KIND, path, TextSourceMap(path, _text(ctx, path), "json")),
            f"npm test scripts in {path}",
            Gate("npm", folder, (), {"scripts": tests, "classes": runs}),
        )
    )


def lint_object(package: Mapping[str, Any], path: str, ctx: LoadContext, folder: str, result: LoadResult) -> None:
    """ESLint's warning limit in each script that runs it (``"lint": "eslint . --max-warnings 0"``),
    as a ``lint`` gate compared by ``lint-gate-loosened``."""
    scripts = package.get("scripts")
    if not isinstance(scripts, dict):
        return
    switches: dict[str, Any] = {}
    for name, script in sorted(scripts.items()):
        best = strictest(warning_limits(str(script)))
        if best is not None:
            switches[f"max-warnings ({name})"] = [best.limit, best.quiet]
    if switches:
        lint_configs.emit(result, "eslint", folder, path, _text(ctx, path), "json", set(), switches, ("scripts",))


def thresholds_of(raw: Any, prefix: str = "") -> list[Threshold]:
    """``{lines: 90, branches: -10}`` → thresholds; negative jest numbers are maxima of uncovered."""
    out: list[Threshold] = []
    if not isinstance(raw, dict):
        return out
    for metric in METRICS:
        value = raw.get(metric)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if value < 0:
            out.append(Threshold(f"{prefix}{metric}", float(-value), "max", str(value)))
        else:
            out.append(Threshold(f"{prefix}{metric}", float(value), "min", str(value)))
    return out


def jest(package: Mapping[str, Any] | None, prefix: str, ctx: LoadContext, folder: str, result: LoadResult) -> None:
    config: Any = None
    path = None
    text = ""
    style = "json"
    if package is not None and isinstance(package.get("jest"), dict):
        config, path = package["jest"], prefix + "package.json"
        text = _text(ctx, path)
    for name in _JEST:
        candidate = prefix + name
        if config is not None or not ctx.exists(candidate):
            continue
        result.files.append(candidate)
        path, text = candidate, _text(ctx, candidate)
        if name.endswith(".json"):
            try:
                config = json.loads(text)
            except ValueError as exc:
                result.errors.append(UnitError(candidate, f"invalid JSON: {exc}"))
                return
        else:
            config = _literal_settings(
                text, candidate, ("coverageThreshold", "coveragePathIgnorePatterns", "testPathIgnorePatterns"), result
            )
            style = "lines"
    if not isinstance(config, dict) or path is None:
        return
    thresholds: list[Threshold] = []
    ct = config.get("coverageThreshold")
    if isinstance(ct, dict):
        for glob, raw in ct.items():
            thresholds.extend(thresholds_of(raw, "" if glob == "global" else f"{glob}:"))
    body = {
        "coverageThreshold": ct if isinstance(ct, dict) else None,
        "coveragePathIgnorePatterns": config.get("coveragePathIgnorePatterns"),
        "testPathIgnorePatterns": config.get("testPathIgnorePatterns"),
    }
    gate = Gate(
        "jest",
        folder,
        tuple(thresholds),
        {
            "globs": sorted(str(g) for g in ct) if isinstance(ct, dict) else [],
            "coverage_ignore": _strings(config.get("coveragePathIgnorePatterns")),
            "test_ignore": _strings(config.get("testPathIgnorePatterns")),
        },
    )
    result.objects.append(
        ModelObject(
            FAMILY,
            "jest",
            ("jest", folder),
            body,
            Origin(KIND, path, TextSourceMap(path, text, style)),
            f"jest settings in {path}",
            gate,
        )
    )


def vitest(prefix: str, ctx: LoadContext, folder: str, result: LoadResult) -> None:
    for name in _VITEST:
        path = prefix + name
        if not ctx.exists(path):
            continue
        result.files.append(path)
        text = _text(ctx, path)
        found = _vitest_settings(text, path, result)
        coverage = found.get("coverage")
        if coverage is None and "coverage" not in found:
            return
        thresholds: list[Threshold] = []
        cov = coverage if isinstance(coverage, dict) else {}
        raw = cov.get("thresholds") if isinstance(cov.get("thresholds"), dict) else cov
        thresholds.extend(thresholds_of(raw))
        body = {"coverage": coverage, "exclude": found.get("exclude")}
        gate = Gate(
            "vitest",
            folder,
            tuple(thresholds),
            {
                "coverage_ignore": _strings(cov.get("exclude")),
                "test_ignore": _strings(found.get("exclude")),
                "enabled": cov.get("enabled"),
                "autoUpdate": raw.get("autoUpdate") if isinstance(raw, dict) else None,
            },
        )
        result.objects.append(
            ModelObject(
                FAMILY,
                "vitest",
                ("vitest", folder),
                body,
                Origin(KIND, path, TextSourceMap(path, text, "lines")),
                f"vitest settings in {path}",
                gate,
            )
        )
        return


def _vitest_settings(text: str, path: str, result: LoadResult) -> dict[str, Any]:
    """``test.coverage`` and ``test.exclude``: the whole ``test`` object when it is a literal, else
    ``coverage`` on its own (``exclude: [...configDefaults.exclude, …]`` is computed)."""
    try:
        test = jsliteral.find_object(text, "test")
    except jsliteral.Unreadable:
        test = None
    if isinstance(test, dict):
        return {k: test[k] for k in ("coverage", "exclude") if k in test}
    found = _literal_settings(text, path, ("coverage",), result)
    if "exclude" not in text:
        return found
    result.notices.append(
        Notice(NoticeKind.DEGRADED, f"test.exclude in {path} is not a plain literal: not compared", path)
    )
    return found


def _literal_settings(text: str, path: str, keys: tuple[str, ...], result: LoadResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        try:
            value = jsliteral.find_object(text, key)
        except jsliteral.Unreadable:
            out[key] = None
            result.notices.append(
                Notice(
                    NoticeKind.DEGRADED, f"{key} is computed in {path}, not written as a literal: not compared", path
                )
            )
            continue
        if value is not None:
            out[key] = value
    return out


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()
