"""Lint and type-check settings that decide what a green lint job means (CATALOGUE.md SC-17).

- ruff: ``.ruff.toml``, else ``ruff.toml``, else ``pyproject.toml`` ``[tool.ruff]`` (ruff docs,
  "Config file discovery"); ignores (``ignore``, ``extend-ignore``, ``per-file-ignores``, at the
  top level or under ``lint``) are entries, ``select`` is a set that may narrow;
- flake8: the first of ``setup.cfg``, ``tox.ini``, ``.flake8`` with a ``[flake8]`` section (flake8
  docs, "Configuring Flake8"): ``ignore``, ``extend-ignore``, ``per-file-ignores``, ``select``;
- mypy: the first of ``mypy.ini``, ``.mypy.ini``, ``pyproject.toml`` ``[tool.mypy]``,
  ``setup.cfg`` ``[mypy]`` (mypy docs, "The mypy configuration file"): strictness flags, and
  modules given ``ignore_errors`` as entries (a module given ``ignore_missing_imports`` is a
  dependency without type information, which is routine);
- TypeScript: ``tsconfig.json`` (and ``tsconfig.*.json``) ``compilerOptions`` strictness flags
  (comments and trailing commas allowed, as tsc allows them). An option left out of a config
  that ``extends`` another is unknown, not its default.

Each becomes a ``lint`` gate: ``Suppressions`` entries (what is ignored) and ``switches`` (what is
enforced), compared by ``lint-gate-loosened``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.gates.model import FAMILY, Gate, Suppressions
from regress.kinds.gates.textmap import TextSourceMap
from regress.model import ModelObject, Notice, NoticeKind, Origin
from regress.source.base import Snapshot

TYPE = "lint"
KIND = "lint-config"

#: Flags where true is the strict side, with the tool's default when absent.
MYPY_STRICT = {
    "strict": False,
    "strict_optional": True,
    "disallow_untyped_defs": False,
    "disallow_incomplete_defs": False,
    "disallow_untyped_calls": False,
    "disallow_any_generics": False,
    "check_untyped_defs": False,
    "no_implicit_optional": True,
    "warn_return_any": False,
    "warn_unused_ignores": False,
}
#: The flags of MYPY_STRICT that ``strict = true`` turns on (mypy docs, "The mypy configuration
#: file": strict "enables all optional error checking flags"; the list in ``mypy --help``): a
#: flag spelled out in the base and left to ``strict`` in the head is unchanged.
MYPY_BY_STRICT = frozenset(
    {
        "disallow_untyped_defs",
        "disallow_incomplete_defs",
        "disallow_untyped_calls",
        "disallow_any_generics",
        "check_untyped_defs",
        "warn_return_any",
        "warn_unused_ignores",
    }
)
#: Flags where true is the lax side.
MYPY_LAX = {"ignore_missing_imports": False, "ignore_errors": False}
#: The flags of TS_STRICT that ``"strict": true`` turns on (TypeScript's TSConfig reference,
#: ``strict``); noImplicitReturns and noUncheckedIndexedAccess are not among them.
TS_BY_STRICT = frozenset({"noImplicitAny", "strictNullChecks", "strictFunctionTypes", "noImplicitThis"})
TS_STRICT = {
    "strict": False,
    "noImplicitAny": False,
    "strictNullChecks": False,
    "strictFunctionTypes": False,
    "noImplicitReturns": False,
    "noUncheckedIndexedAccess": False,
    "noImplicitThis": False,
}


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [p.strip() for line in value.splitlines() for p in line.split(",") if p.strip()]
    return []


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "0", "off"):
        return False
    return None


def _per_file(value: Any) -> set[str]:
    """``per-file-ignores`` as ``glob: CODE`` entries (a TOML table, or flake8's INI lines)."""
    out: set[str] = set()
    if isinstance(value, Mapping):
        for glob, codes in value.items():
            out.update(f"per-file-ignores {glob}: {c}" for c in _list(codes))
    elif isinstance(value, str):
        for line in value.splitlines():
            glob, _, codes = line.partition(":")
            if glob.strip() and codes.strip():
                out.update(f"per-file-ignores {glob.strip()}: {c}" for c in _list(codes))
    return out


def ruff_settings(section: Mapping[str, Any]) -> tuple[set[str], dict[str, Any]]:
    entries: set[str] = set()
    select: set[str] | None = None
    lint = section.get("lint")
    tables: list[Mapping[str, Any]] = [section, lint] if isinstance(lint, Mapping) else [section]
    for table in tables:
        for key in ("ignore", "extend-ignore"):
            entries.update(f"ignore {c}" for c in _list(table.get(key)))
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            entries.update(_per_file(table.get(key)))
        if "select" in table:
            select = set(_list(table.get("select")))
        if "extend-select" in table:
            select = (select or set()) | set(_list(table.get("extend-select")))
    return entries, {"select": sorted(select) if select is not None else None}


def flake8_settings(section: Mapping[str, Any]) -> tuple[set[str], dict[str, Any]]:
    entries = {f"ignore {c}" for key in ("ignore", "extend-ignore") for c in _list(section.get(key))}
    entries |= _per_file(section.get("per-file-ignores"))
    select = section.get("select")
    return entries, {"select": sorted(_list(select)) if select is not None else None}


def mypy_settings(
    section: Mapping[str, Any], overrides: list[tuple[str, Mapping[str, Any]]]
) -> tuple[set[str], dict[str, Any]]:
    switches: dict[str, Any] = {}
    strict = _bool(section.get("strict")) is True
    for flag, default in {**MYPY_STRICT, **MYPY_LAX}.items():
        value = _bool(section.get(flag))
        if value is None and strict and flag in MYPY_BY_STRICT:
            value = True
        switches[flag] = default if value is None else value
    entries: set[str] = set()
    for module, options in overrides:
        # A module given ``ignore_missing_imports`` is how a dependency without type information
        # is declared (mypy docs, "Missing imports"): routine, not an exception to the checks.
        # ``ignore_errors`` silences the module's own code.
        if _bool(options.get("ignore_errors")) is True:
            entries.add(f"ignore_errors {module}")
    return entries, switches


def _mypy_overrides(name: str, data: Any) -> list[tuple[str, Mapping[str, Any]]]:
    out: list[tuple[str, Mapping[str, Any]]] = []
    if name == "pyproject.toml":
        tool = data.get("tool", {}) if isinstance(data, Mapping) else {}
        mypy = tool.get("mypy", {}) if isinstance(tool, Mapping) else {}
        for o in mypy.get("overrides") or [] if isinstance(mypy, Mapping) else []:
            if isinstance(o, Mapping):
                for module in _list(o.get("module")):
                    out.append((module, o))
    elif isinstance(data, Mapping):
        for section, options in data.items():
            if isinstance(section, str) and section.startswith("mypy-") and isinstance(options, Mapping):
                for module in section[len("mypy-") :].split(","):
                    out.append((module.strip(), options))
    return out


def _table(data: Any, keys: tuple[str, ...]) -> Mapping[str, Any] | None:
    for key in keys:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data if isinstance(data, Mapping) else None


#: Where each tool reads its settings, in its order of precedence: (file, table).
RUFF_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (".ruff.toml", ()),
    ("ruff.toml", ()),
    ("pyproject.toml", ("tool", "ruff")),
)
MYPY_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mypy.ini", ("mypy",)),
    (".mypy.ini", ("mypy",)),
    ("pyproject.toml", ("tool", "mypy")),
    ("setup.cfg", ("mypy",)),
)


def python_lint(files: Mapping[str, tuple[str, Any]], prefix: str, folder: str, result: LoadResult) -> None:
    """ruff, flake8 and mypy settings of a folder (``files``: name → (text, parsed))."""
    for name, keys in RUFF_FILES:
        if name in files and (section := _table(files[name][1], keys)) is not None:
            emit(result, "ruff", folder, prefix + name, files[name][0], "toml", *ruff_settings(section), keys)
            break
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        if name in files and (section := _table(files[name][1], ("flake8",))) is not None:
            emit(result, "flake8", folder, prefix + name, files[name][0], "ini", *flake8_settings(section), ("flake8",))
            break
    for name, keys in MYPY_FILES:
        if name in files and (section := _table(files[name][1], keys)) is not None:
            entries, switches = mypy_settings(section, _mypy_overrides(name, files[name][1]))
            style = "toml" if name.endswith(".toml") else "ini"
            emit(result, "mypy", folder, prefix + name, files[name][0], style, entries, switches, keys)
            break


def emit(
    result: LoadResult,
    tool: str,
    folder: str,
    path: str,
    text: str,
    style: str,
    entries: set[str],
    switches: dict[str, Any],
    section: tuple[str, ...],
) -> None:
    """One ``lint`` gate; ``section`` is where the settings are in the file (for locations)."""
    result.objects.append(
        ModelObject(
            FAMILY,
            TYPE,
            (tool, folder),
            {"entries": sorted(entries), "switches": switches},
            Origin(KIND, path, TextSourceMap(path, text, style)),
            f"{tool} settings in {path}",
            Gate(tool, folder, (), {"switches": switches, "section": section}, Suppressions(tool, frozenset(entries))),
        )
    )


# -- TypeScript ------------------------------------------------------------------------------------


def jsonc(text: str) -> Any:
    """JSON with comments and trailing commas (tsconfig), read without touching strings."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            out.append(c)
            i += 1
    cleaned = "".join(out)
    # Trailing commas: a comma followed only by whitespace before a closing bracket.
    result: list[str] = []
    for k, ch in enumerate(cleaned):
        if ch == "," and cleaned[k + 1 :].lstrip()[:1] in ("}", "]"):
            continue
        result.append(ch)
    return json.loads("".join(result))


def tsconfig_settings(doc: Mapping[str, Any]) -> dict[str, Any]:
    options = doc.get("compilerOptions")
    options = options if isinstance(options, Mapping) else {}
    extends = bool(doc.get("extends"))
    switches: dict[str, Any] = {}
    strict = _bool(options.get("strict")) is True
    for flag, default in TS_STRICT.items():
        value = _bool(options.get(flag))
        if value is None and strict and flag in TS_BY_STRICT:
            value = True
        # Inherited from the extended config when not set here: not known.
        switches[flag] = value if value is not None else (None if extends else default)
    return switches


class TsconfigHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        name = path.rpartition("/")[2]
        ok = name == "tsconfig.json" or (name.startswith("tsconfig.") and name.endswith(".json"))
        return [Unit(KIND, path)] if ok else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        text = ctx.text(path)
        try:
            doc = jsonc(text)
        except ValueError as exc:
            result.notices.append(Notice(NoticeKind.DEGRADED, f"cannot be parsed, not compared: {exc}", path))
            return result
        if not isinstance(doc, Mapping):
            return result
        emit(result, "tsc", path, path, text, "json", set(), tsconfig_settings(doc), ("compilerOptions",))
        return result
