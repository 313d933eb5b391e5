"""The comments and literals of Rust source, so that code read from a Rust file never takes a
bracket, an attribute or a keyword inside a comment or a literal for code.

Rust's lexical structure differs from the rest of the C family in ways that matter here (the Rust
Reference, "Lexical structure": "Comments" and "Tokens"):

- block comments nest: ``/* a /* b */ still a comment */``; doc comments (``///``, ``//!``,
  ``/** */``) are comments too;
- string literals (``"…"``, byte ``b"…"`` and C ``c"…"`` strings) may span lines, and a
  backslash escapes the next character;
- raw strings (``r"…"``, ``br"…"``, ``cr"…"``) have no escapes and close at a quote followed by
  as many ``#`` as opened them (``r##"a "# b"##``; the Reference allows fewer than 256);
- a single quote opens a character (or byte) literal only when it encloses one character or one
  escape (``'a'``, ``'\\n'``, ``'\\u{1F600}'``, ``b'x'``); otherwise it starts a lifetime or a
  label (``<'a>``, ``&'static str``, ``'outer: loop``), which is code.

Anything unterminated (a string, a raw string, a block comment) runs to the end of the text, so
bad input is read, never refused.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass


class SpanKind(enum.Enum):
    LINE_COMMENT = "line comment"
    BLOCK_COMMENT = "block comment"
    STRING = "string"
    CHAR = "char"


@dataclass(frozen=True, slots=True)
class Span:
    """One comment or literal: ``[start, end)`` in the text, and ``[body_start, body_end)`` what
    it holds without its delimiters. A raw string's body runs to ``end``, its closing quote and
    hashes included, so that a blanked text keeps no stray ``#`` beside code."""

    kind: SpanKind
    start: int
    end: int
    body_start: int
    body_end: int

    @property
    def comment(self) -> bool:
        return self.kind in (SpanKind.LINE_COMMENT, SpanKind.BLOCK_COMMENT)


#: What can open a comment or a literal. A raw-string prefix counts only at the start of a word
#: (``r"`` after an identifier character is no raw string: ``for"`` is a reserved prefix, an
#: error in Rust 2021, and not ours to read); ``r#ident`` (a raw identifier) has no quote after its
#: hashes and is code.
_OPENER = re.compile(r"""//|/\*|(?<!\w)[bc]?r(?P<hashes>\#*)"|"|'""")
_BLOCK_EDGE = re.compile(r"/\*|\*/")
_STRING_EDGE = re.compile(r'[\\"]')
#: A character or byte literal whose body is an escape: ``\n``, ``\'``, ``\x7F``, ``\u{10FFFF}``
#: (the Reference's QUOTE_ESCAPE, ASCII_ESCAPE, BYTE_ESCAPE and UNICODE_ESCAPE).
_ESCAPED_CHAR = re.compile(r"'\\(?:x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f_]{1,8}\}|[^\n])'")


def spans(text: str) -> Iterator[Span]:
    """Every comment and literal of ``text``, in order."""
    i, n = 0, len(text)
    while (m := _OPENER.search(text, i)) is not None:
        i = m.start()
        opener = m.group()
        if opener == "//":
            end = text.find("\n", i)
            end = n if end < 0 else end
            yield Span(SpanKind.LINE_COMMENT, i, end, i + 2, end)
        elif opener == "/*":
            end = _block_end(text, i)
            closed = end - i >= 4 and text.startswith("*/", end - 2)
            yield Span(SpanKind.BLOCK_COMMENT, i, end, i + 2, end - 2 if closed else end)
        elif opener == "'":
            char_end = _char_end(text, i)
            if char_end is None:  # a lifetime or a label: code
                i += 1
                continue
            end = char_end
            yield Span(SpanKind.CHAR, i, end, i + 1, end - 1)
        elif opener == '"':
            quote = _string_close(text, i + 1)
            end = n if quote < 0 else quote + 1
            yield Span(SpanKind.STRING, i, end, i + 1, n if quote < 0 else quote)
        else:  # a raw string: r"…", br#"…"#, cr##"…"##
            close = '"' + m.group("hashes")
            at = text.find(close, m.end())
            end = n if at < 0 else at + len(close)
            yield Span(SpanKind.STRING, i, end, m.end(), end)
        i = end


def _block_end(text: str, start: int) -> int:
    """The offset after the ``*/`` that closes the block comment opened at ``start``, counting
    the comments nested in it; the text's end when it is never closed."""
    depth = 1
    i = start + 2
    while (m := _BLOCK_EDGE.search(text, i)) is not None:
        depth += 1 if m.group() == "/*" else -1
        i = m.end()
        if depth == 0:
            return i
    return len(text)


def _string_close(text: str, i: int) -> int:
    """The offset of the quote closing a string whose body starts at ``i``; -1 when none does."""
    while (m := _STRING_EDGE.search(text, i)) is not None:
        if m.group() == '"':
            return m.start()
        i = m.end() + 1  # the escaped character, whatever it is
    return -1


def _char_end(text: str, start: int) -> int | None:
    """The offset after a character literal opened at ``start``, or None when the quote starts a
    lifetime or a label. One character other than a quote, backslash, newline, carriage return
    or tab, then a quote, is a character (the Reference's CHAR_LITERAL); ``'a`` with no quote
    after it is a lifetime (LIFETIME_OR_LABEL)."""
    body = text[start + 1 : start + 2]
    if body == "\\":
        m = _ESCAPED_CHAR.match(text, start)
        return m.end() if m else None
    if body and body not in "'\\\n\r\t" and text[start + 2 : start + 3] == "'":
        return start + 3
    return None


_NOT_NEWLINE = re.compile(r"[^\n]")


def blanked(text: str, strings: bool = True) -> str:
    """``text`` with every comment, and with ``strings`` every literal's body, replaced by
    spaces: the same length and lines, so that offsets and line numbers found in it hold for
    ``text``."""
    out: list[str] = []
    done = 0  # text before ``done`` is in ``out``
    for span in spans(text):
        if span.comment:
            first, stop = span.start, span.end
        elif strings:
            first, stop = span.body_start, span.body_end
        else:
            continue
        out.append(text[done:first])
        out.append(_NOT_NEWLINE.sub(" ", text[first:stop]))
        done = stop
    out.append(text[done:])
    return "".join(out)
