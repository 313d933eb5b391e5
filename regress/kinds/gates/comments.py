"""The comments of a source file: Python (``#``) and the C family (``//``, ``/* */``: Go,
JavaScript, TypeScript, Java, Kotlin), with string literals skipped so that a marker inside a
string is no comment.
"""

from __future__ import annotations

import enum
import io
import re
import tokenize
from dataclasses import dataclass


class Language(enum.StrEnum):
    PYTHON = "python"
    GO = "go"
    JAVASCRIPT = "javascript"
    JVM = "jvm"


@dataclass(frozen=True, slots=True)
class Comment:
    #: 1-based line the comment starts on.
    line: int
    #: The comment without its delimiters (``#``, ``//``, ``/*``, ``*/``).
    text: str
    #: True for a ``/* … */`` comment.
    block: bool
    #: The code before the comment on its line, stripped ("" for a comment on a line of its own).
    code: str


def comments(text: str, language: Language) -> list[Comment]:
    if language is Language.PYTHON:
        return _python(text)
    return _c_family(text, backtick=language in (Language.GO, Language.JAVASCRIPT))


def _python(text: str) -> list[Comment]:
    lines = text.splitlines()
    out: list[Comment] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                row, col = tok.start
                code = lines[row - 1][:col].strip() if row <= len(lines) else ""
                out.append(Comment(row, tok.string[1:], False, code))
    except (tokenize.TokenError, SyntaxError):
        # A file Python cannot tokenize (a template, a syntax error): every ``#`` outside a
        # quote-free prefix of the line is taken as a comment, which errs towards reporting.
        out = []
        for i, line in enumerate(lines):
            at = line.find("#")
            if at >= 0:
                out.append(Comment(i + 1, line[at + 1 :], False, line[:at].strip()))
    return out


def _c_family(text: str, backtick: bool) -> list[Comment]:
    """``//`` and ``/* */`` comments outside ``"…"``, ``'…'`` and (Go, JavaScript) ```…```."""
    out: list[Comment] = []
    quotes = "\"'`" if backtick else "\"'"
    i, n, line, line_start = 0, len(text), 1, 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            line_start = i + 1
            i += 1
        elif c in quotes:
            start, i = i, _string_end(text, i, c)
            newlines = text.count("\n", start, i)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", start, i) + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(Comment(line, text[i + 2 : end], False, text[line_start:i].strip()))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end
            out.append(Comment(line, text[i + 2 : end], True, text[line_start:i].strip()))
            body = text[i:end]
            if "\n" in body:
                line += body.count("\n")
                line_start = text.rfind("\n", 0, end) + 1
            i = end + 2
        else:
            i += 1
    return out


_NOT_NEWLINE = re.compile(r"[^\n]")
_C_SPECIAL = {True: re.compile(r"[\"'`]|//|/\*"), False: re.compile(r"[\"']|//|/\*")}


def blanked(text: str, language: Language, strings: bool) -> str:
    """``text`` (C family) with every comment, and with ``strings`` every string literal's
    content, replaced by spaces: the same length and lines, so that offsets and line numbers
    found in it hold for ``text``, and brackets or keywords inside comments and strings are not
    read as code. Python files are read with ``ast`` instead."""
    special = _C_SPECIAL[language in (Language.GO, Language.JAVASCRIPT)]
    out: list[str] = []
    done = 0  # text before ``done`` is in ``out``
    i, n = 0, len(text)
    while True:
        m = special.search(text, i)
        if m is None:
            break
        i = m.start()
        if text.startswith("//", i):
            end = text.find("\n", i)
            start = i
            stop = i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            start = i
            stop = i = n if end < 0 else end + 2
        else:
            quote_end = _string_end(text, i, text[i])
            # The content between the quotes (a string cut off by its line's end has no closing one).
            closed = quote_end > i + 1 and text[quote_end - 1] == text[i]
            start, stop, i = i + 1, quote_end - 1 if closed else quote_end, quote_end
            if not strings:
                continue
        out.append(text[done:start])
        out.append(_NOT_NEWLINE.sub(" ", text[start:stop]))
        done = stop
    out.append(text[done:])
    return "".join(out)


def _string_end(text: str, start: int, quote: str) -> int:
    """The index after the closing quote; a ``"`` or ``'`` string ends at the line's end too."""
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and quote != "`":
            i += 2
            continue
        if c == quote:
            return i + 1
        if c == "\n" and quote != "`":
            return i
        i += 1
    return len(text)


def next_code(text_lines: list[str], line: int, language: Language) -> str:
    """The first line after ``line`` (1-based) that holds code, stripped."""
    for candidate in text_lines[line:]:
        stripped = candidate.strip()
        if not stripped:
            continue
        if language is Language.PYTHON and stripped.startswith("#"):
            continue
        if language is not Language.PYTHON and stripped.startswith(("//", "/*", "*")):
            continue
        return stripped
    return ""
