"""nyc and c8 coverage gates: the settings files, the ``nyc``/``c8`` key of package.json, and the
flags of the package.json scripts that run them.

Where each tool reads its settings:

- nyc: the ``nyc`` key of package.json, overridden key by key by the first of ``.nycrc``,
  ``.nycrc.json``, ``.nycrc.yml``, ``.nycrc.yaml``, ``nyc.config.js`` (@istanbuljs/load-nyc-config
  README, "Configuration merging"); command-line flags override both.
- c8: the ``c8`` key of package.json and the first of ``.c8rc``, ``.c8rc.json``, ``.nycrc``,
  ``.nycrc.json`` (c8 README, "Configuration"); flags override both.

Both only fail a run when ``check-coverage`` is on (``--check-coverage``, the ``check-coverage``
sub-command, or c8's ``--100``), and then against ``lines`` (default 90), ``branches``,
``functions`` and ``statements`` (default 0), per file when ``per-file`` is on (``nyc --help``,
``c8 --help``). Keys may be written in kebab or camel case (yargs expands both).

One object per tool and package folder. Each script that runs the tool is one gate (named by the
script); without such a script, the settings files are the gate. Thresholds are effective values
(a default filled in), so moving a setting between .nycrc, package.json and a script's flags, or
spelling out a default, changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, UnitError
from regress.kinds.ci.classify import unwrap
from regress.kinds.ci.shell import split
from regress.kinds.gates.model import FAMILY, Gate, Threshold
from regress.kinds.gates.textmap import TextSourceMap
from regress.model import ModelObject, Notice, NoticeKind, Origin, Route
from regress.yamlload import LoadError, load_text

KIND = "js-tests"
NYC_FILES = (".nycrc", ".nycrc.json", ".nycrc.yml", ".nycrc.yaml")
C8_FILES = (".c8rc", ".c8rc.json", ".nycrc", ".nycrc.json")
FILES = tuple(dict.fromkeys((*NYC_FILES, *C8_FILES)))
_CONFIG_FILES = {"nyc": NYC_FILES, "c8": C8_FILES}
#: The defaults ``nyc --help`` and ``c8 --help`` print for each threshold.
DEFAULTS = {"lines": 90.0, "branches": 0.0, "functions": 0.0, "statements": 0.0}
_SETTINGS = ("check-coverage", "per-file", *DEFAULTS)
#: Sub-commands that do not run tests or check anything.
_NO_CHECK = frozenset({"instrument", "merge"})
#: Flags that take no value (``nyc --help``, ``c8 --help``); any other flag takes the next word.
_BOOLEAN = frozenset(
    {
        "all",
        "cache",
        "clean",
        "compact",
        "es-modules",
        "exclude-after-remap",
        "exclude-node-modules",
        "hook-require",
        "hook-run-in-context",
        "hook-run-in-this-context",
        "instrument",
        "omit-relative",
        "preserve-comments",
        "produce-source-map",
        "show-process-tree",
        "silent",
        "skip-empty",
        "skip-full",
        "source-map",
        "use-spawn-wrap",
    }
)


def _kebab(key: str) -> str:
    return re.sub(r"([a-z])([A-Z])", lambda m: f"{m.group(1)}-{m.group(2).lower()}", key)


@dataclass(frozen=True, slots=True)
class SettingsMap:
    """Each setting's route → the file and line it was read from (a setting of a script is the
    script's line); anything else the first file."""

    places: tuple[tuple[Route, str, int | None], ...]
    path: str
    line: int | None = 1

    def locate(self, route: Route) -> tuple[str, int | None]:
        for where, path, line in self.places:
            if where == route:
                return path, line
        return self.path, self.line


def load(
    tool: str, package: Mapping[str, Any] | None, prefix: str, ctx: LoadContext, folder: str, result: LoadResult
) -> None:
    """Add the ``tool`` gate object of one package folder, if the folder uses the tool."""
    settings: dict[str, Any] = {}
    places: dict[str, tuple[str, int | None]] = {}
    pkg_path = prefix + "package.json"
    pkg_map = TextSourceMap(pkg_path, ctx.text(pkg_path), "json") if package is not None else None
    used = unknown = False
    stanza = package.get(tool) if package is not None else None
    if isinstance(stanza, dict) and pkg_map is not None:
        used = True
        for key, value in stanza.items():
            name = _kebab(str(key))
            settings[name] = value
            places[name] = (pkg_path, pkg_map.locate((tool, str(key)))[1])
    for name in _CONFIG_FILES[tool]:
        path = prefix + name
        if not ctx.exists(path):
            continue
        # c8 falls back to .nycrc, but a project that runs nyc does not use c8 because of it.
        used = used or name.startswith(f".{tool}rc")
        if path not in result.files:
            result.files.append(path)
        text = ctx.text(path)
        data = _parse(path, text, result)
        if data is None:
            # Unparseable (an unverifiable-file finding): unknown, not removed.
            unknown = True
            break
        json_style = name.endswith(".json") or text.lstrip().startswith("{")
        fmap = TextSourceMap(path, text, "json" if json_style else "lines")
        for key, value in data.items():
            kebab = _kebab(str(key))
            settings[kebab] = value
            places[kebab] = (path, fmap.locate((str(key),))[1])
        break
    else:
        if tool == "nyc" and ctx.exists(prefix + "nyc.config.js"):
            # Settings computed by JavaScript: unknown, so neither side is compared.
            used = unknown = True
            result.notices.append(
                Notice(
                    NoticeKind.DEGRADED,
                    f"{prefix}nyc.config.js is JavaScript: its nyc settings are not compared",
                    prefix + "nyc.config.js",
                )
            )
    scripts = package.get("scripts") if package is not None else None
    runs = _invocations(tool, scripts) if isinstance(scripts, dict) else {}
    used = used or any(
        isinstance(deps := package.get(k), dict) and tool in deps
        for k in ("devDependencies", "dependencies")
        if package is not None
    )
    if not used and not runs:
        return
    gates: dict[str, dict[str, Any]] = {}
    spots: list[tuple[Route, str, int | None]] = []
    for script, flags in (runs or {"": {}}).items():
        merged = {**settings, **flags}
        check = merged.get("check-coverage") is True
        gate: dict[str, Any] = {"check-coverage": check, "per-file": merged.get("per-file") is True}
        for metric, default in DEFAULTS.items():
            value = _number(merged.get(metric))
            gate[metric] = default if value is None else value
        gates[script] = gate
        for key in _SETTINGS:
            if key in flags and pkg_map is not None:
                line = pkg_map.locate(("scripts", script))[1]
                spots.append(((script, key), pkg_path, line))
            elif key in places:
                spots.append(((script, key), *places[key]))
    thresholds = tuple(
        Threshold(f"{script}:{metric}" if script else metric, gate[metric], "min", _show(gate[metric]))
        for script, gate in gates.items()
        if gate["check-coverage"]
        for metric in DEFAULTS
    )
    first = next((path for path, _ in places.values()), pkg_path)
    # A setting that is not written anywhere (a default) is shown where the settings are.
    home = pkg_map.locate((tool,))[1] if isinstance(stanza, dict) and pkg_map is not None else 1
    result.objects.append(
        ModelObject(
            FAMILY,
            tool,
            (tool, folder),
            {"gates": gates},
            Origin(KIND, first, SettingsMap(tuple(spots), first, home)),
            f"{tool} coverage settings in {folder or 'the repository root'}",
            Gate(tool, folder, thresholds, {"gates": gates, "unknown": unknown}),
        )
    )


def _parse(path: str, text: str, result: LoadResult) -> dict[str, Any] | None:
    """JSON, or YAML (``.nycrc`` may be either; load-nyc-config tries JSON, then YAML)."""
    try:
        data: Any = json.loads(text) if not path.endswith((".yml", ".yaml")) else None
    except ValueError:
        data = None
    if data is None:
        try:
            docs = load_text(text).documents
        except LoadError as exc:
            result.errors.append(UnitError(path, f"neither JSON nor YAML: {exc}"))
            return None
        data = docs[0] if docs else None
    if data is None:
        return {}
    if not isinstance(data, dict):
        result.errors.append(UnitError(path, "not a mapping of settings"))
        return None
    return data


def _invocations(tool: str, scripts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Script name → the settings its ``tool`` command line sets, for each script that runs it."""
    out: dict[str, dict[str, Any]] = {}
    for name, script in scripts.items():
        if not isinstance(script, str):
            continue
        for cmd in split(script):
            words = unwrap(cmd.argv)
            if not words or words[0].rsplit("/", 1)[-1] != tool:
                continue
            flags = _flags(words[1:])
            if flags is not None:
                out[str(name)] = {**out.get(str(name), {}), **flags}
    return out


def _flags(words: tuple[str, ...]) -> dict[str, Any] | None:
    """The settings of one command line, or None for a sub-command that checks nothing."""
    out: dict[str, Any] = {}
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("-"):
            if word in _NO_CHECK:
                return None
            if word == "check-coverage":
                out["check-coverage"] = True
            # The first positional word is the sub-command or the command under test: what
            # follows are that command's own flags.
            break
        name, eq, value = word.lstrip("-").partition("=")
        name = _kebab(name)
        if name == "100":
            # c8 --100: "shortcut for --check-coverage --lines 100 --functions 100 --branches
            # 100 --statements 100" (c8 --help).
            out.update({"check-coverage": True, **dict.fromkeys(DEFAULTS, 100.0)})
        elif name in ("check-coverage", "per-file"):
            out[name] = value.lower() != "false" if eq else True
        elif name.startswith("no-") and name[3:] in ("check-coverage", "per-file"):
            out[name[3:]] = False
        elif name in _BOOLEAN or name.startswith("no-"):
            continue
        else:
            if not eq and i < len(words):
                value = words[i]
                i += 1
            if name in DEFAULTS and (number := _number(value)) is not None:
                out[name] = number
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)
