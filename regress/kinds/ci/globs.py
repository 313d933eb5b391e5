"""Whether one file glob selects at least every file another one selects.

Used for test files chosen by a glob before they reach the runner (CircleCI's
`circleci tests glob`). The syntax is CircleCI's (docs "Use the CircleCI CLI to split tests",
"Glob test files"): `*` any characters but the path separator, `**` any characters including it,
`?` one character but the separator, `[abc]` one of the listed characters, `{foo,bar}` one of
the alternatives.

Containment is decided on the pattern text: the wider pattern is compiled to a regular
expression and matched against the narrower pattern, whose own wildcards are first replaced by
marker characters that only an equally wide wildcard of the wider pattern may match. When in
doubt the answer is "not covered", so an unusual rewrite is reported rather than missed.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Markers for the narrower pattern's wildcards: `**`, `*`, `?` and a `[…]` class.
_DEEP, _STAR, _ONE, _CLASS = "\x01", "\x02", "\x03", "\x04"
#: At most this many alternatives per pattern after brace expansion (beyond it: compared as text).
MAX_ALTERNATIVES = 64


def expand_braces(pattern: str) -> tuple[str, ...]:
    """``{src,tests}/**/*.py`` → ``src/**/*.py``, ``tests/**/*.py`` (nested braces included)."""
    out: list[str] = []
    todo = [pattern]
    while todo:
        p = todo.pop()
        start = p.find("{")
        end = _brace_end(p, start) if start >= 0 else -1
        if end < 0:
            out.append(p)
        else:
            for alt in _split_top(p[start + 1 : end]):
                todo.append(p[:start] + alt + p[end + 1 :])
        if len(out) + len(todo) > MAX_ALTERNATIVES:
            return (pattern,)
    return tuple(sorted(set(out)))


def _brace_end(p: str, start: int) -> int:
    depth = 0
    for j in range(start, len(p)):
        if p[j] == "{":
            depth += 1
        elif p[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _split_top(body: str) -> list[str]:
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in body:
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def _normal(pattern: str) -> str:
    return pattern.strip().removeprefix("./")


@lru_cache(maxsize=256)
def _wide_re(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append(f"[^/{_DEEP}]*")
            i += 1
        elif pattern[i] == "?":
            out.append(f"[^/{_DEEP}{_STAR}]")
            i += 1
        elif pattern[i] == "[" and (close := pattern.find("]", i + 2)) > 0:
            body = pattern[i + 1 : close]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append(("[^/" if negate else "[") + re.escape(body).replace("\\-", "-") + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.S)


def _narrow_text(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(_DEEP)
            i += 2
        elif pattern[i] == "*":
            out.append(_STAR)
            i += 1
        elif pattern[i] == "?":
            out.append(_ONE)
            i += 1
        elif pattern[i] == "[" and (close := pattern.find("]", i + 2)) > 0:
            out.append(_CLASS)
            i = close + 1
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _covered(wides: list[str], narrow: str) -> bool:
    return all(any(w == n or _wide_re(w).match(_narrow_text(n)) for w in wides) for n in expand_braces(_normal(narrow)))


def covers(wide: str, narrow: str) -> bool:
    """Every path ``narrow`` matches is matched by ``wide`` (brace alternatives expanded)."""
    return _covered(list(expand_braces(_normal(wide))), narrow)


def lost(before: tuple[str, ...], after: tuple[str, ...]) -> tuple[str, ...]:
    """The patterns of ``before`` that no pattern of ``after`` covers (alternatives one by one)."""
    wides = [w for a in after for w in expand_braces(_normal(a))]
    return tuple(b for b in before if not _covered(wides, b))
