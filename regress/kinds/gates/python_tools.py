"""Python tool settings that gate tests and scans: coverage.py ``fail_under`` and ``omit``,
pytest ``addopts``/``testpaths``, bandit ``skips``/``exclude``.

A unit is a folder: each tool reads several files there in its own order of precedence, so all
of them are read and the effective settings kept —
- coverage.py: ``.coveragerc``, else the first of ``setup.cfg``, ``tox.ini``, ``pyproject.toml``
  with coverage settings (docs "Configuration reference: specifying the configuration file");
- pytest: ``pytest.ini`` (or ``.pytest.ini``) even when empty, else ``pyproject.toml``
  ``[tool.pytest.ini_options]``, ``tox.ini`` ``[pytest]``, ``setup.cfg`` ``[tool:pytest]`` (docs
  "Configuration file formats");
- bandit: ``.bandit`` ``[bandit]``, else ``pyproject.toml`` ``[tool.bandit]``, their ``tests`` and
  ``skips`` read as bandit reads them (``bandit_config.section_selection``).
"""

from __future__ import annotations

import configparser
import shlex
import tomllib
from collections.abc import Mapping
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.gates import bandit_config
from regress.kinds.gates.lint_configs import python_lint
from regress.kinds.gates.model import FAMILY, Gate, Suppressions, Threshold
from regress.kinds.gates.recipes import tox_object
from regress.kinds.gates.textmap import TextSourceMap, plain
from regress.model import ModelObject, Notice, NoticeKind, Origin
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "python-tools"
FILES = (
    ".coveragerc",
    "setup.cfg",
    "tox.ini",
    "pyproject.toml",
    "pytest.ini",
    ".pytest.ini",
    ".bandit",
    # lint and type-check settings (lint_configs.py)
    "ruff.toml",
    ".ruff.toml",
    ".flake8",
    "mypy.ini",
    ".mypy.ini",
)


class PythonToolsHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        folder, _, name = path.rpartition("/")
        return [Unit(KIND, folder)] if name in FILES else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        files: dict[str, tuple[str, Any]] = {}
        for name in FILES:
            path = f"{unit.root}/{name}" if unit.root else name
            if not ctx.exists(path):
                continue
            result.files.append(path)
            try:
                text = ctx.text(path)
                files[name] = (text, _parse(name, text))
            except (LoadError, ValueError, configparser.Error, tomllib.TOMLDecodeError) as exc:
                # These files serve many tools; one that cannot be read leaves the gates it may
                # hold unknown, which is said, not reported as a weakening.
                result.notices.append(
                    Notice(
                        NoticeKind.DEGRADED,
                        f"cannot be parsed, its test and coverage settings are not "
                        f"compared: {str(exc).splitlines()[0][:160]}",
                        path,
                    )
                )
                continue
        prefix = f"{unit.root}/" if unit.root else ""
        coverage(files, prefix, unit.root, result)
        pytest_options(files, prefix, unit.root, result)
        bandit(files, prefix, unit.root, result)
        python_lint(files, prefix, unit.root, result)
        if "tox.ini" in files:
            # tox's environments are test recipes the pipeline runs with `tox`.
            found = tox_object(files["tox.ini"][0], f"{prefix}tox.ini", unit.root, ctx)
            if found is not None:
                result.objects.append(found)
        return result


def _parse(name: str, text: str) -> Any:
    if name.endswith(".toml"):
        return tomllib.loads(text)
    parser = configparser.ConfigParser(interpolation=None, strict=False, allow_no_value=True)
    parser.read_string(text)
    return {s: dict(parser.items(s, raw=True)) for s in parser.sections()}


def _section(files: Mapping[str, tuple[str, Any]], name: str, section: tuple[str, ...]) -> Mapping[str, Any] | None:
    if name not in files:
        return None
    data = files[name][1]
    if name == "pyproject.toml":
        for key in section:
            data = data.get(key) if isinstance(data, dict) else None
        return data if isinstance(data, dict) else None
    value = data.get(section[0]) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else None


def _lines(value: Any) -> list[str]:
    """An INI multi-line or comma list, or a TOML list, as entries."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [p.strip() for line in value.splitlines() for p in line.split(",") if p.strip()]
    return []


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _emit(
    result: LoadResult, tool: str, folder: str, path: str, text: str, style: str, body: dict[str, Any], gate: Gate
) -> None:
    result.objects.append(
        ModelObject(
            FAMILY,
            tool,
            (tool, folder),
            body,
            Origin(KIND, path, TextSourceMap(path, text, style)),
            f"{tool} settings in {path}",
            gate,
        )
    )


#: Where each file keeps coverage.py's [report]/[run] sections.
_COVERAGE = {
    ".coveragerc": (("report",), ("run",)),
    "setup.cfg": (("coverage:report",), ("coverage:run",)),
    "tox.ini": (("coverage:report",), ("coverage:run",)),
    "pyproject.toml": (("tool", "coverage", "report"), ("tool", "coverage", "run")),
}


def coverage(files: Mapping[str, tuple[str, Any]], prefix: str, folder: str, result: LoadResult) -> None:
    for name, (report_s, run_s) in _COVERAGE.items():
        report = _section(files, name, report_s)
        run = _section(files, name, run_s)
        if report is None and run is None:
            continue
        report = report or {}
        run = run or {}
        fail_under = _number(report.get("fail_under"))
        omit = sorted(set(_lines(run.get("omit"))) | set(_lines(report.get("omit"))))
        body = {"fail_under": fail_under, "omit": omit}
        route = (*report_s, "fail_under") if name == "pyproject.toml" else (report_s[0], "fail_under")
        gate = Gate(
            "coverage.py",
            folder,
            (Threshold("fail_under", fail_under, "min", str(report.get("fail_under", ""))),),
            {"omit": omit, "fail_under_route": route, "omit_route": (*run_s, "omit")},
        )
        text = files[name][0]
        _emit(
            result, "coverage.py", folder, prefix + name, text, "toml" if name.endswith(".toml") else "ini", body, gate
        )
        return


_PYTEST = (
    ("pytest.ini", ("pytest",)),
    (".pytest.ini", ("pytest",)),
    ("pyproject.toml", ("tool", "pytest", "ini_options")),
    ("tox.ini", ("pytest",)),
    ("setup.cfg", ("tool:pytest",)),
)


def pytest_options(files: Mapping[str, tuple[str, Any]], prefix: str, folder: str, result: LoadResult) -> None:
    for name, section in _PYTEST:
        if name not in files:
            continue
        options = _section(files, name, section)
        if options is None and not name.endswith("pytest.ini"):
            continue
        options = options or {}
        addopts = options.get("addopts", "")
        words = addopts if isinstance(addopts, list) else _split(str(addopts))
        testpaths = (
            _lines(options.get("testpaths"))
            if not isinstance(options.get("testpaths"), str)
            else str(options["testpaths"]).split()
        )
        body = {"addopts": [str(w) for w in words], "testpaths": testpaths}
        gate = Gate(
            "pytest",
            folder,
            (),
            {"addopts": tuple(str(w) for w in words), "testpaths": tuple(testpaths), "section": section},
        )
        text = files[name][0]
        _emit(result, "pytest", folder, prefix + name, text, "toml" if name.endswith(".toml") else "ini", body, gate)
        return


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def bandit(files: Mapping[str, tuple[str, Any]], prefix: str, folder: str, result: LoadResult) -> None:
    for name, section in ((".bandit", ("bandit",)), ("pyproject.toml", ("tool", "bandit"))):
        options = _section(files, name, section)
        if options is None:
            continue
        try:
            selected = bandit_config.section_selection(options, prefix + name)
        except bandit_config.Unknown:
            # Not a shape bandit reads: its skips are unknown, which is no new suppression.
            result.notices.append(
                Notice(NoticeKind.DEGRADED, "bandit tests and skips not read: not lists", prefix + name)
            )
            return
        # A skip of a test the file's own ``tests`` list leaves out changes nothing bandit runs
        # (``BanditTestSet._get_filter``: the included tests less the excluded ones).
        skips = {f"skip {s}" for s in selected.skips if selected.tests is None or s in selected.tests}
        excluded = {f"exclude {e}" for e in _lines(options.get("exclude_dirs") or options.get("exclude"))}
        entries = frozenset(skips | excluded)
        body = {"entries": sorted(entries), "section": plain(list(section))}
        gate = Gate("bandit", folder, (), {"section": section}, Suppressions("bandit", entries))
        text = files[name][0]
        _emit(result, "bandit", folder, prefix + name, text, "toml" if name.endswith(".toml") else "ini", body, gate)
        return
