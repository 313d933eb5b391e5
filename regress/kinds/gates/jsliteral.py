"""Reading a value out of a JavaScript or TypeScript config file, when it is written as a literal.

``jest.config.js`` and ``vitest.config.ts`` are programs; regress never runs them. What it can
read is an object literal assigned to a known key (``coverageThreshold: { global: { lines: 90 } }``):
the text after the key is cut at its matching brace, comments and trailing commas are dropped,
bare keys and single quotes are made JSON, and the result is parsed. Anything computed (a
variable, a spread, a function call) makes the value unreadable — the caller says so in a notice.
"""

from __future__ import annotations

import json
import re
from typing import Any

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_$][\w$]*|'[^']*'|\"[^\"]*\"|\d+)\s*:")
_TRAILING = re.compile(r",(\s*[}\]])")


class Unreadable(Exception):
    pass


def find_object(text: str, key: str) -> Any:
    """The literal value of the first ``key: {…}`` (or ``[…]``, number, string) in ``text``;
    None when the key is absent; ``Unreadable`` when present but not a plain literal."""
    clean = _COMMENTS.sub("", text)
    m = re.search(r"(?<![\w$.])['\"]?" + re.escape(key) + r"['\"]?\s*:\s*", clean)
    if not m:
        return None
    start = m.end()
    if start >= len(clean):
        raise Unreadable(key)
    opener = clean[start]
    if opener in "{[":
        end = _match(clean, start)
        return _to_json(clean[start:end])
    literal = re.match(r"-?\d+(\.\d+)?|'[^']*'|\"[^\"]*\"|true|false", clean[start:])
    if literal:
        return _to_json(literal.group(0))
    raise Unreadable(key)


def _match(text: str, start: int) -> int:
    depth = 0
    quote = ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
            continue
        if ch in "'\"`":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
    raise Unreadable("unbalanced")


def _to_json(fragment: str) -> Any:
    if "`" in fragment or "..." in fragment or "(" in fragment:
        raise Unreadable(fragment[:40])
    text = re.sub(r"'((?:[^'\\]|\\.)*)'", lambda m: json.dumps(m.group(1)), fragment)

    def key(m: re.Match[str]) -> str:
        name = m.group(2)
        if not name.startswith('"'):
            name = json.dumps(name.strip("'"))
        return f"{m.group(1)}{name}:"

    text = _BARE_KEY.sub(key, text)
    text = _TRAILING.sub(r"\1", text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(str(exc)) from None
