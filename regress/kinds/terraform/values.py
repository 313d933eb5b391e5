"""The values Terraform expressions evaluate to here: plain Python values where they are known,
``Unknown`` where they are not, and ``Choice`` where a condition keeps two branches open.

Rules read effective values through the helpers below, which apply Terraform's own conversions
(``"true"`` is a bool where a bool is expected, ``"1"`` a number) and the ``branches`` of a
``Choice``, so a weakening in one branch is reported with the branch named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known from the configuration (a resource attribute, a variable
    without a default); ``text`` is the canonical expression, so equal expressions compare equal."""

    text: str

    def __repr__(self) -> str:
        return f"${{{self.text}}}"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Choice:
    """``pred ? yes : no`` with a condition that selects an environment (``var.env == "prod"``,
    ``terraform.workspace``) or cannot be decided: both branches stay in play."""

    pred: str
    yes: Any
    no: Any

    def __repr__(self) -> str:
        return f"({self.pred} ? {self.yes!r} : {self.no!r})"

    def __str__(self) -> str:
        return f"{self.pred} ? {show(self.yes)} : {show(self.no)}"


#: Absent in the configuration (the provider default applies).
ABSENT: Any = None


def branches(value: Any, label: str = "") -> Iterator[tuple[str, Any]]:
    """Every value a ``Choice`` can take, with a label naming the branch ("" when not a choice)."""
    if isinstance(value, Choice):
        yes_label = f"when {value.pred}"
        no_label = f"when not ({value.pred})"
        yield from branches(value.yes, f"{label}, {yes_label}" if label else yes_label)
        yield from branches(value.no, f"{label}, {no_label}" if label else no_label)
    else:
        yield label, value


def is_known(value: Any) -> bool:
    if isinstance(value, (Unknown, Choice)):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


def as_bool(value: Any) -> bool | None:
    """Terraform's conversion to bool: ``true``/``false`` and the strings ``"true"``/``"false"``
    (0.11 configurations quote them); ``"1"``/``"0"`` convert too (count-style flags)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def as_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            num = float(value.strip())
        except ValueError:
            return None
        return int(num) if num.is_integer() else num
    return None


def as_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


def as_list(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if value is None:
        return []
    return None


def blocks(body: Any, name: str) -> list[dict[str, Any]]:
    """The nested blocks ``name`` of a body (also when written as a map attribute, as in JSON or
    0.11 syntax)."""
    if not isinstance(body, dict):
        return []
    value = body.get(name)
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def first_block(body: Any, name: str) -> dict[str, Any] | None:
    found = blocks(body, name)
    return found[0] if found else None


#: Values longer than this are cut in messages (a whole block or policy says little inline).
SHOW_MAX = 80


def show(value: Any) -> str:
    """A value as a reviewer reads it in a message (long values are cut)."""
    text = _show(value)
    return text if len(text) <= SHOW_MAX else text[: SHOW_MAX - 1] + "…"


def _show(value: Any) -> str:
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (Unknown, Choice)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    return str(value)
