"""Lint baselines: files that record the errors a linter is to ignore, so that a check can be
switched on for new code while old code still fails it (CATALOGUE.md SC-17).

- PHPStan: ``phpstan-baseline.neon`` (or ``.php``), written by ``--generate-baseline``: one entry
  per error message and file, with ``count`` (default 1) and, from PHPStan 1.11, the error's
  ``identifier`` (PHPStan docs, "The Baseline"). The configured ``level`` is read beside it from
  the first of ``phpstan.neon``, ``phpstan.neon.dist``, ``phpstan.dist.neon`` (PHPStan docs,
  "Config Reference"), which is also a ``phpstan`` lint gate of its own: a lower level checks
  less.
- RuboCop: ``.rubocop_todo.yml``, written by ``--auto-gen-config``: per cop an ``Exclude`` list
  of files, a ``Max`` for metrics, or ``Enabled: false`` once more files offend than
  ``--exclude-limit`` allows (RuboCop docs, "Automatically Generated Configuration").
- ESLint: ``eslint-suppressions.json``, written by ``--suppress-all``/``--suppress-rule``: file →
  rule → ``{"count": n}`` (ESLint docs, "Bulk Suppressions"; ESLint 9.24+).

Each file becomes one ``lint`` gate whose ``baseline`` option maps each check (PHPStan
identifier, cop, rule) to how much of it is ignored: entries (errors, excluded files, suppressed
violations), a metric's ``Max``, whether the cop is off. ``lint-gate-loosened`` compares them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.gates import lint_configs
from regress.kinds.gates.model import FAMILY, Gate
from regress.kinds.gates.textmap import LineMap
from regress.model import ModelObject, Notice, NoticeKind, Origin
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "lint-config"
TYPE = "lint"
PHPSTAN = ("phpstan-baseline.neon", "phpstan-baseline.php")
RUBOCOP = ".rubocop_todo.yml"
ESLINT = "eslint-suppressions.json"
PHPSTAN_CONFIGS = ("phpstan.neon", "phpstan.neon.dist", "phpstan.dist.neon")
NAMES = frozenset({*PHPSTAN, RUBOCOP, ESLINT, *PHPSTAN_CONFIGS})
#: PHPStan entries written before identifiers existed: one check for all of them.
NO_IDENTIFIER = "(errors without identifier)"
#: What a baseline's entries count, per tool.
UNITS = {"phpstan": "errors", "rubocop": "excluded files", "eslint": "suppressed violations"}
#: ``level: max`` is above every numbered level.
MAX_LEVEL = 100


@dataclass(slots=True)
class Check:
    """How much of one check a baseline ignores."""

    entries: int = 0
    max: float | None = None
    disabled: bool = False
    line: int = 1

    def body(self) -> dict[str, Any]:
        return {"entries": self.entries, "max": self.max, "disabled": self.disabled}


# -- PHPStan -----------------------------------------------------------------------------------

_NEON_FIELD = re.compile(r"^\s*(?:-\s+)?(message|rawMessage|identifier|count|path|paths)\s*:\s*(.*?)\s*$")
_PHP_ENTRY = re.compile(r"\$ignoreErrors\[\]\s*=")
_PHP_FIELD = re.compile(r"'(identifier|count)'\s*=>\s*(?:'((?:[^'\\]|\\.)*)'|(\d+))")
_LEVEL = re.compile(r"^\s*level\s*:\s*['\"]?(\d+|max)['\"]?\s*(?:#.*)?$", re.M)


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    return raw


def phpstan_neon(text: str) -> dict[str, Check] | None:
    """Checks of a NEON baseline; None when the text has no ``ignoreErrors`` list."""
    if "ignoreErrors" not in text:
        return None
    checks: dict[str, Check] = {}
    entry: dict[str, str] = {}
    start = 1

    def close() -> None:
        if "message" in entry or "rawMessage" in entry:
            check = checks.setdefault(entry.get("identifier") or NO_IDENTIFIER, Check(line=start))
            try:
                check.entries += max(int(entry.get("count", "1")), 0)
            except ValueError:
                check.entries += 1
        entry.clear()

    for i, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped == "-" or stripped.startswith("- "):
            close()
            start = i
        m = _NEON_FIELD.match(line)
        if m:
            entry[m.group(1)] = _unquote(m.group(2))
    close()
    return checks


def phpstan_php(text: str) -> dict[str, Check] | None:
    """Checks of a PHP baseline (``$ignoreErrors[] = [ 'message' => …, 'count' => 2, … ];``)."""
    starts = [m.start() for m in _PHP_ENTRY.finditer(text)]
    if not starts:
        return None if "ignoreErrors" not in text else {}
    checks: dict[str, Check] = {}
    for k, begin in enumerate(starts):
        chunk = text[begin : starts[k + 1] if k + 1 < len(starts) else len(text)]
        fields = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _PHP_FIELD.finditer(chunk)}
        line = text.count("\n", 0, begin) + 1
        check = checks.setdefault(fields.get("identifier") or NO_IDENTIFIER, Check(line=line))
        check.entries += int(fields.get("count") or 1)
    return checks


def phpstan_config(ctx: LoadContext, folder: str) -> str | None:
    """The configuration PHPStan reads in ``folder``: the first of its default names."""
    for name in PHPSTAN_CONFIGS:
        path = f"{folder}/{name}" if folder else name
        if ctx.exists(path):
            return path
    return None


def phpstan_level(text: str) -> int | None:
    """``level`` of a configuration; None when not set there (an included file may set it)."""
    m = _LEVEL.search(text)
    if m is None:
        return None
    return MAX_LEVEL if m.group(1) == "max" else int(m.group(1))


# -- RuboCop -----------------------------------------------------------------------------------


def rubocop_todo(doc: Any, lines: Mapping[str, int]) -> dict[str, Check] | None:
    if not isinstance(doc, Mapping):
        return None
    checks: dict[str, Check] = {}
    for cop, config in doc.items():
        # Cops are `Department/Name`; top-level keys such as `inherit_from` are not cops.
        if not isinstance(cop, str) or "/" not in cop or not isinstance(config, Mapping):
            continue
        exclude = config.get("Exclude")
        maximum = config.get("Max")
        checks[cop] = Check(
            entries=len(exclude) if isinstance(exclude, list) else 0,
            max=float(maximum) if isinstance(maximum, (int, float)) and not isinstance(maximum, bool) else None,
            disabled=config.get("Enabled") is False,
            line=lines.get(cop, 1),
        )
    return checks


# -- ESLint ------------------------------------------------------------------------------------


def eslint_suppressions(doc: Any, text: str) -> dict[str, Check] | None:
    if not isinstance(doc, Mapping):
        return None
    checks: dict[str, Check] = {}
    for rules in doc.values():
        if not isinstance(rules, Mapping):
            continue
        for rule, entry in rules.items():
            count = entry.get("count") if isinstance(entry, Mapping) else None
            if isinstance(count, int) and not isinstance(count, bool) and isinstance(rule, str):
                check = checks.setdefault(rule, Check(line=_first_line(text, json.dumps(rule))))
                check.entries += max(count, 0)
    return checks


def _first_line(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


# -- handler -----------------------------------------------------------------------------------


class LintBaselineHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if path.rpartition("/")[2] in NAMES else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        folder, _, name = path.rpartition("/")
        if name in PHPSTAN_CONFIGS:
            self.config(path, folder, ctx, result)
            return result
        level: int | None = None
        try:
            if name in PHPSTAN:
                text = ctx.text(path)
                checks = phpstan_neon(text) if name.endswith(".neon") else phpstan_php(text)
                config = phpstan_config(ctx, folder)
                tool, level = "phpstan", phpstan_level(ctx.text(config)) if config else None
            elif name == RUBOCOP:
                loaded = ctx.yaml(path)
                doc = loaded.documents[0] if loaded.documents else None
                checks, tool = rubocop_todo(doc, _top_lines(ctx.text(path))), "rubocop"
            else:
                text = ctx.text(path)
                checks, tool = eslint_suppressions(json.loads(text), text), "eslint"
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        except ValueError as exc:
            result.errors.append(UnitError(path, f"invalid JSON: {exc}"))
            return result
        if checks is None:
            result.notices.append(Notice(NoticeKind.DEGRADED, "not a baseline this version reads, not compared", path))
            return result
        baseline = {c: checks[c].body() for c in sorted(checks)}
        result.objects.append(
            ModelObject(
                FAMILY,
                TYPE,
                (f"{tool} baseline", folder),
                {"baseline": baseline, "level": level},
                # Route ``(check,)`` is the first line that mentions the check.
                Origin(KIND, path, LineMap(tuple(((c,), path, checks[c].line) for c in sorted(checks)), path)),
                f"{tool} baseline {path}",
                Gate(f"{tool} baseline", folder, (), {"baseline": baseline, "level": level, "unit": UNITS[tool]}),
            )
        )
        return result

    def config(self, path: str, folder: str, ctx: LoadContext, result: LoadResult) -> None:
        """PHPStan's ``level`` as a ``phpstan`` lint gate (the file PHPStan reads first only)."""
        if phpstan_config(ctx, folder) != path:
            return
        text = ctx.text(path)
        level = phpstan_level(text)
        if level is None:
            return
        lint_configs.emit(result, "phpstan", folder, path, text, "lines", set(), {"level": level}, ())


_TOP_KEY = re.compile(r"^([A-Za-z][\w/.-]*):", re.M)


def _top_lines(text: str) -> dict[str, int]:
    """Line of each top-level key of a block-style YAML file (a cop's entry)."""
    out: dict[str, int] = {}
    for m in _TOP_KEY.finditer(text):
        out.setdefault(m.group(1), text.count("\n", 0, m.start()) + 1)
    return out
