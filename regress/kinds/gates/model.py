"""The ``gates`` family: one object per gate a tool reads from a configuration file.

Identity is the tool and the folder it applies to (``coverage.py`` for the repository root,
``jest`` for ``web/``), not the file: moving the same settings from ``setup.cfg`` to
``pyproject.toml``, or ``codecov.yml`` to ``.github/codecov.yml``, is no change. Where a tool
reads several files in an order of precedence, the handler reads all of them and keeps the
effective one. Bodies are plain data (the settings that matter), and ``facts`` a typed view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from regress.diff import FamilyDiff
from regress.model import ModelObject

FAMILY = "gates"
#: ``ModelObject.extra`` key of a weaker identity that pairs an object whose file was renamed
#: even when its content changed too (a CloudFormation template converted from YAML to JSON
#: keeps its folder and file stem).
RENAME_KEY = "rename_key"


def _rename_key(obj: ModelObject) -> Any:
    return obj.extra.get(RENAME_KEY)


DIFF = FamilyDiff(secondary_key=_rename_key)


@dataclass(frozen=True, slots=True)
class Threshold:
    """A numeric gate: a minimum (coverage %), or a maximum (a Codecov threshold, jest's negative
    numbers = uncovered items allowed)."""

    name: str
    value: float | None
    #: "min": higher is stricter; "max": lower is stricter.
    direction: str = "min"
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Suppressions:
    """An ignore or allow list of a scanner: each entry silences findings."""

    tool: str
    entries: frozenset[str] = frozenset()
    #: Settings that make the scanner pass regardless (soft-fail, warn-only, exit-code 0…).
    switches: tuple[tuple[str, Any], ...] = ()
    #: Entries with an expiry in the past count as absent; the expiry of each entry.
    expiries: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Gate:
    """Typed view of one object: what it gates, and its thresholds and options."""

    tool: str
    scope: str
    thresholds: tuple[Threshold, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    suppressions: Suppressions | None = None
