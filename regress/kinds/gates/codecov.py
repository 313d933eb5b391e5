"""Codecov's repository YAML as one gate object.

Codecov reads the first of ``codecov.yml``, ``.codecov.yml`` (or ``.yaml``) in the repository root,
``dev/`` or ``.github/`` (docs "About the Codecov YAML"). Without ``coverage.status`` it posts a
``project`` and a ``patch`` status, both with ``target: auto`` (docs "Commit status"). Each status
(``project``/``patch``/``changes``, per named check) becomes a set of effective settings: enabled,
``target`` (a percentage or ``auto``, which compares with the base commit), ``threshold`` (the drop
allowed), ``informational`` (never fails), ``if_ci_failed`` and ``if_not_found``. Codecov's YAML is
lenient about booleans (``yes``/``no``/``on``/``off``); they are read as such here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.gates.model import FAMILY, Gate, Threshold
from regress.model import ModelObject, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError, YFloat

KIND = "codecov"
PATHS = tuple(
    f"{folder}{name}"
    for folder in ("", "dev/", ".github/")
    for name in ("codecov.yml", ".codecov.yml", "codecov.yaml", ".codecov.yaml")
)
STATUS_KINDS = ("project", "patch", "changes")
_TRUE = frozenset({"true", "yes", "on", "y"})
_FALSE = frozenset({"false", "no", "off", "n"})


def flag(value: Any, default: bool | None = None) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    return default


def percent(value: Any) -> float | str | None:
    """``90%``, ``90``, ``90.5`` → 90.0…; ``auto`` stays ``auto``."""
    if value is None:
        return None
    if isinstance(value, YFloat):
        return float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().lower()
    if text == "auto":
        return "auto"
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%?", text)
    return float(m.group(1)) if m else None


class CodecovHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, "")] if path in PATHS else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = next((p for p in PATHS if ctx.exists(p)), None)
        if path is None:
            return result
        result.files.append(path)
        try:
            loaded = ctx.yaml(path)
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        doc = loaded.documents[0] if loaded.documents else None
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            result.errors.append(UnitError(path, "the Codecov YAML must be a mapping", 1))
            return result
        gates = statuses(doc)
        raw_codecov = doc.get("codecov")
        codecov: dict[str, Any] = raw_codecov if isinstance(raw_codecov, dict) else {}
        options = {
            "require_ci_to_pass": flag(codecov.get("require_ci_to_pass"), True),
            "statuses": gates,
        }
        thresholds = tuple(
            Threshold(f"{name}.target", t if isinstance(t, float) else None, "min", str(g.get("target")))
            for name, g in gates.items()
            for t in [g.get("target")]
        )
        body = {"require_ci_to_pass": options["require_ci_to_pass"], "statuses": gates}
        result.objects.append(
            ModelObject(
                FAMILY,
                "codecov",
                ("codecov", unit.root),
                body,
                Origin(KIND, path, _Map(YamlSourceMap(path, doc, 1))),
                f"Codecov configuration {path}",
                Gate("codecov", unit.root, thresholds, options),
            )
        )
        return result


def statuses(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Effective status checks: "project/default" → settings."""
    coverage = doc.get("coverage") if isinstance(doc.get("coverage"), dict) else {}
    status = coverage.get("status", None) if isinstance(coverage, dict) else None
    if status is None:
        status = {"project": True, "patch": True}
    out: dict[str, dict[str, Any]] = {}
    if not isinstance(status, dict):
        return out
    for kind in STATUS_KINDS:
        if kind not in status:
            continue
        value = status[kind]
        enabled = flag(value)
        if enabled is not None or value is None:
            out[f"{kind}/default"] = _settings({}, enabled is not False)
            continue
        if isinstance(value, dict):
            named = {k: v for k, v in value.items() if isinstance(v, dict) or flag(v) is not None}
            if not named or any(k in value for k in ("target", "threshold", "informational")):
                out[f"{kind}/default"] = _settings(value, True)
                continue
            for name, settings in named.items():
                on = flag(settings) if not isinstance(settings, dict) else True
                out[f"{kind}/{name}"] = _settings(settings if isinstance(settings, dict) else {}, on is not False)
    return out


def _settings(raw: Mapping[str, Any], enabled: bool) -> dict[str, Any]:
    target = percent(raw.get("target", "auto"))
    threshold = percent(raw.get("threshold", 0))
    return {
        "enabled": enabled,
        "target": target if target is not None else "auto",
        "threshold": threshold if isinstance(threshold, float) else 0.0,
        "informational": bool(flag(raw.get("informational"), False)),
        "if_ci_failed": str(raw.get("if_ci_failed", "error")),
        "if_not_found": str(raw.get("if_not_found", "success")),
    }


class _Map:
    """Routes into the normalized body map back to the YAML: ``statuses/project/default/target``
    → ``coverage.status.project.default.target`` (or ``coverage.status.project.target``)."""

    __slots__ = ("inner",)

    def __init__(self, inner: YamlSourceMap) -> None:
        self.inner = inner

    def locate(self, route: tuple[Any, ...]) -> tuple[str, int | None]:
        if route[:1] == ("statuses",) and len(route) >= 2:
            kind, _, name = str(route[1]).partition("/")
            rest = route[2:]
            path, line = self.inner.locate(("coverage", "status", kind, name, *rest))
            if name == "default":
                alt = self.inner.locate(("coverage", "status", kind, *rest))
                return alt if (alt[1] or 0) > (line or 0) else (path, line)
            return path, line
        if route[:1] == ("require_ci_to_pass",):
            return self.inner.locate(("codecov", "require_ci_to_pass"))
        return self.inner.locate(route)
