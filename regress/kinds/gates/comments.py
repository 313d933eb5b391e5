"""The comments of a source file: Python (``#``) and the C family (``//``, ``/* */``: Go,
JavaScript, TypeScript, Java, Kotlin), with string literals skipped so that a marker inside a
string is no comment. Rust, whose block comments nest and whose raw strings and lifetimes the
C-family scanner would misread, has a lexer of its own (``rust_lexer.py``).
"""

from __future__ import annotations

import enum
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

from regress.kinds.gates import rust_lexer


class Language(enum.StrEnum):
    PYTHON = "python"
    GO = "go"
    JAVASCRIPT = "javascript"
    JVM = "jvm"
    RUST = "rust"


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
    if language is Language.RUST:
        return _rust(text)
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


_NOT_NEWLINE = re.compile(r"[^\n]")
_C_SPECIAL = {True: re.compile(r"[\"'`]|//|/\*"), False: re.compile(r"[\"']|//|/\*")}


def _c_spans(text: str, backtick: bool) -> Iterator[tuple[str, int, int]]:
    """(``string``, ``line`` or ``block``, start, end) of every string literal and comment of a
    C-family text, in order: ``"…"``, ``'…'`` and (Go, JavaScript) ```…``` strings, ``//`` and
    ``/* */`` comments. A block comment never closed runs to the end of the text."""
    special = _C_SPECIAL[backtick]
    i, n = 0, len(text)
    while (m := special.search(text, i)) is not None:
        i = m.start()
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            yield "line", i, end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            yield "block", i, end
        else:
            end = _string_end(text, i, text[i])
            yield "string", i, end
        i = end


def _c_family(text: str, backtick: bool) -> list[Comment]:
    """``//`` and ``/* */`` comments outside string literals."""
    out: list[Comment] = []
    line, counted = 1, 0  # ``line`` is the line of offset ``counted``
    for kind, start, end in _c_spans(text, backtick):
        if kind == "string":
            continue
        line += text.count("\n", counted, start)
        counted = start
        closed = kind == "block" and end - start >= 4 and text.startswith("*/", end - 2)
        body = text[start + 2 : end - 2 if closed else end]
        code = text[text.rfind("\n", 0, start) + 1 : start].strip()
        out.append(Comment(line, body, kind == "block", code))
    return out


def _rust(text: str) -> list[Comment]:
    out: list[Comment] = []
    line, counted = 1, 0  # ``line`` is the line of offset ``counted``
    for span in rust_lexer.spans(text):
        if not span.comment:
            continue
        line += text.count("\n", counted, span.start)
        counted = span.start
        code = text[text.rfind("\n", 0, span.start) + 1 : span.start].strip()
        block = span.kind is rust_lexer.SpanKind.BLOCK_COMMENT
        out.append(Comment(line, text[span.body_start : span.body_end], block, code))
    return out


def blanked(text: str, language: Language, strings: bool) -> str:
    """``text`` (C family) with every comment, and with ``strings`` every string literal's
    content, replaced by spaces: the same length and lines, so that offsets and line numbers
    found in it hold for ``text``, and brackets or keywords inside comments and strings are not
    read as code. Python files are read with ``ast`` instead."""
    if language is Language.RUST:
        return rust_lexer.blanked(text, strings)
    out: list[str] = []
    done = 0  # text before ``done`` is in ``out``
    for kind, start, end in _c_spans(text, language in (Language.GO, Language.JAVASCRIPT)):
        first, stop = start, end
        if kind == "string":
            if not strings:
                continue
            # The content between the quotes (a string cut off by its line's end has no closing one).
            closed = end > start + 1 and text[end - 1] == text[start]
            first, stop = start + 1, end - 1 if closed else end
        out.append(text[done:first])
        out.append(_NOT_NEWLINE.sub(" ", text[first:stop]))
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
