"""Comparing the inputs that decide whether a scanner or gate fails (signals.KNOBS), with each
action's documented default standing in for an absent input."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from regress.kinds.ci.signals import KNOBS, Knob, KnobKind
from regress.yamlload import YFloat


@dataclass(frozen=True, slots=True)
class KnobChange:
    knob: Knob
    before: str | None  # as written (None: absent)
    after: str | None
    #: The effective values compared (defaults applied).
    effective_before: str | None
    effective_after: str | None


def knobs_for(uses: str | None) -> tuple[Knob, ...]:
    if not uses:
        return ()
    name = uses.lower()
    for prefix, knobs in KNOBS.items():
        if name == prefix or name.startswith(prefix + "/"):
            return knobs
    return ()


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, YFloat):
        return value.raw
    return str(value).strip()


def _truthy(value: str) -> bool:
    return value.lower() in ("true", "1", "yes", "on")


def _items(value: str) -> set[str]:
    return {v.strip().lower() for v in re.split(r"[,\n\s]+", value) if v.strip()}


def is_expression(value: str | None) -> bool:
    return value is not None and "${{" in value


def weaker(knob: Knob, before: str | None, after: str | None) -> bool:
    """Whether ``after`` fails on fewer findings (or checks less) than ``before``."""
    if knob.kind is KnobKind.IGNORE_LIST:
        before, after = before or "", after or ""
    if before is None or after is None:
        return knob.kind is KnobKind.BLOCKS_WHEN_TRUE and before is not None and after is None
    if is_expression(after) and not is_expression(before):
        return before != after
    if is_expression(before):
        return False
    kind = knob.kind
    if kind is KnobKind.BLOCKS_WHEN_TRUE:
        return _truthy(before) and not _truthy(after)
    if kind is KnobKind.PASSES_WHEN_TRUE:
        return not _truthy(before) and _truthy(after)
    if kind is KnobKind.EXIT_CODE:
        return before.strip() not in ("0", "") and after.strip() in ("0", "")
    if kind is KnobKind.THRESHOLD:
        scale = [s.lower() for s in knob.scale]
        b, a = before.lower(), after.lower()
        return b in scale and a in scale and scale.index(a) > scale.index(b)
    if kind is KnobKind.SCOPE_LIST:
        return bool(_items(before) - _items(after))
    if kind is KnobKind.IGNORE_LIST:
        return bool(_items(after) - _items(before))
    return False


def weakened(uses: str | None, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[KnobChange]:
    out: list[KnobChange] = []
    for knob in knobs_for(uses):
        b, a = text(before.get(knob.input)), text(after.get(knob.input))
        eb = b if b is not None else knob.default
        ea = a if a is not None else knob.default
        if b == a:
            continue
        if weaker(knob, eb, ea):
            out.append(KnobChange(knob, b, a, eb, ea))
    return out


def shown(value: str | None, default: str | None) -> str:
    if value is None:
        return f"absent (default {default})" if default is not None else "absent"
    return value
