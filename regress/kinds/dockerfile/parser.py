"""Dockerfile syntax: instructions with their flags, arguments and line, as BuildKit reads them.

Follows the Dockerfile reference (docs.docker.com/reference/dockerfile) and BuildKit's parser
(moby/buildkit ``frontend/dockerfile/parser``): parser directives (``# escape=`` before anything
else), line continuations with the escape character, comment lines dropped (also inside a
continuation), empty continuation lines ignored, heredocs (``RUN <<EOF`` … ``EOF``, ``<<-``
strips leading tabs), ``--flag=value`` options before the arguments. Never raises: a line it
cannot read is returned as an error with its number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

#: Refuse absurd inputs early: instructions past this count are not read (one error is returned).
MAX_INSTRUCTIONS = 20_000

#: BuildKit's directive pattern (``DirectiveParser``): ``# name = value`` on the lines before anything
#: else; a name it does not know ends the directives (``validDirectives``: syntax, escape, check).
_DIRECTIVE = re.compile(r"^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_INSTRUCTION = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*)(?:\s+|$)(.*)$", re.S)
#: A heredoc word, as BuildKit reads one (``reHeredoc``): an optional file descriptor, ``<<``, an
#: optional ``-`` and a name with no ``<`` (``<<<`` is a here-string). The name may hold dots and
#: quotes: ``COPY <<robots.txt /`` ends at a line ``robots.txt``; ``<<"EOF"`` at ``EOF``.
_HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]+)$")
#: The instructions whose arguments may open heredocs (BuildKit ``heredocDirectives``), also
#: behind ``ONBUILD`` (``heredocCompoundDirectives``); never in the JSON (exec) form.
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_FLAG = re.compile(r"^--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?(?:\s+|$)")

KNOWN = frozenset(
    {
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    }
)


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str  # upper case
    flags: tuple[tuple[str, str], ...]
    #: The arguments with continuations joined (one space per joined line break).
    args: str
    #: Heredoc bodies, in order (``RUN <<EOF``).
    heredocs: tuple[str, ...]
    line: int  # 1-based, the instruction's first line

    def flag(self, name: str) -> str | None:
        for k, v in self.flags:
            if k == name:
                return v
        return None

    @property
    def exec_form(self) -> list[str] | None:
        """``["a", "b"]`` JSON arguments, or None for the shell form."""
        text = self.args.strip()
        if not text.startswith("["):
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None


@dataclass(frozen=True, slots=True)
class ParseError:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Dockerfile:
    instructions: tuple[Instruction, ...]
    errors: tuple[ParseError, ...] = ()
    escape: str = "\\"


def parse(text: str) -> Dockerfile:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escape = "\\"
    i = 0
    out: list[Instruction] = []
    errors: list[ParseError] = []
    # Parser directives: only before the first instruction, comment or blank line.
    seen: set[str] = set()
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        name = m.group(1).lower() if m else ""
        if m is None or name not in _DIRECTIVES:
            break
        if name in seen:
            # BuildKit: "only one <name> parser directive can be used".
            errors.append(ParseError(i + 1, f"a second {name} parser directive"))
        seen.add(name)
        if name == "escape":
            if m.group(2) in ("\\", "`"):
                escape = m.group(2)
            else:
                # BuildKit refuses the file ("invalid escape token … does not match ` or \\").
                errors.append(ParseError(i + 1, f"invalid escape directive {m.group(2)!r}: only ` or \\ is allowed"))
        i += 1
    n = len(lines)
    while i < n:
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        parts = [raw]
        while _continues(parts[-1], escape) and i + 1 < n:
            parts[-1] = parts[-1].rstrip()[:-1]
            i += 1
            nxt = lines[i]
            # Comment and empty lines inside a continuation are dropped (Dockerfile reference).
            while i < n and (not lines[i].strip() or lines[i].lstrip().startswith("#")) and i + 1 < n:
                i += 1
                nxt = lines[i]
            parts.append(nxt)
        if _continues(parts[-1], escape):
            parts[-1] = parts[-1].rstrip()[:-1]
        joined = " ".join(p.strip() for p in parts)
        i += 1
        m = _INSTRUCTION.match(joined)
        if not m:
            errors.append(ParseError(start + 1, f"not an instruction: {stripped[:40]!r}"))
            continue
        keyword, rest = m.group(1).upper(), m.group(2)
        if keyword not in KNOWN:
            errors.append(ParseError(start + 1, f"unknown instruction {m.group(1)!r}"))
            continue
        flags, rest = _flags(rest)
        heredocs: list[str] = []
        for strip_tabs, end in _heredoc_words(keyword, rest):
            body: list[str] = []
            closed = False
            while i < n:
                line = lines[i]
                i += 1
                if (line.lstrip("\t") if strip_tabs else line) == end:
                    closed = True
                    break
                body.append(line.lstrip("\t") if strip_tabs else line)
            if not closed:
                errors.append(ParseError(start + 1, f"heredoc {end!r} is never closed"))
            heredocs.append("\n".join(body) + "\n")
        out.append(Instruction(keyword, tuple(flags), rest.strip(), tuple(heredocs), start + 1))
        if len(out) >= MAX_INSTRUCTIONS:
            errors.append(ParseError(start + 1, f"more than {MAX_INSTRUCTIONS} instructions; the rest is not read"))
            break
    return Dockerfile(tuple(out), tuple(errors), escape)


_FIRST_INSTRUCTION = re.compile(r"^\s*(FROM|ARG)(\s|$)", re.I)


def opens_like_dockerfile(text: str) -> bool:
    """Whether the first line that is not blank, a comment or a parser directive is a ``FROM`` or
    an ``ARG``: "A Dockerfile must begin with a FROM instruction. This may be after parser
    directives, comments, and globally scoped ARGs" (Dockerfile reference, "FROM")."""
    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return _FIRST_INSTRUCTION.match(stripped) is not None
    return False


def _heredoc_words(keyword: str, rest: str) -> list[tuple[bool, str]]:
    """(strip leading tabs, terminator) of each heredoc an instruction opens, in order.

    As BuildKit reads them (``heredocsFromLine``): the arguments are split into shell words with
    their quotes kept, so ``"<<EOF"`` is a quoted word and no heredoc, and each word that is a
    heredoc word names its terminator with the quotes removed."""
    if keyword == "ONBUILD":
        m = _INSTRUCTION.match(rest.lstrip())
        if m is None:
            return []
        keyword, rest = m.group(1).upper(), _flags(m.group(2))[1]
    if keyword not in _HEREDOC_KEYWORDS or "<<" not in rest or rest.lstrip().startswith("["):
        return []
    found: list[tuple[bool, str]] = []
    for word in _shell_words(rest):
        m = _HEREDOC.match(word)
        if m is None:
            continue
        name = _unquote(m.group(3))
        if name:
            found.append((m.group(2) == "-", name))
    return found


def _shell_words(text: str) -> list[str]:
    """Words split at unquoted whitespace, quotes and backslashes kept as written."""
    words: list[str] = []
    cur: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            cur.append(c)
            if c == "\\" and quote == '"' and i + 1 < len(text):
                cur.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
            cur.append(c)
        elif c == "\\" and i + 1 < len(text):
            cur.append(c + text[i + 1])
            i += 1
        elif c.isspace():
            if cur:
                words.append("".join(cur))
                cur = []
        else:
            cur.append(c)
        i += 1
    if cur:
        words.append("".join(cur))
    return words


def _unquote(word: str) -> str:
    """A shell word without its quotes and escaping backslashes (``"E"OF`` is ``EOF``)."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(word):
        c = word[i]
        if quote == "'":
            if c == "'":
                quote = ""
            else:
                out.append(c)
        elif c == "\\" and i + 1 < len(word):
            out.append(word[i + 1])
            i += 1
        elif c == '"':
            quote = "" if quote else '"'
        elif c == "'" and not quote:
            quote = "'"
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _continues(line: str, escape: str) -> bool:
    body = line.rstrip()
    return body.endswith(escape) and not body.lstrip().startswith("#")


def _flags(rest: str) -> tuple[list[tuple[str, str]], str]:
    flags: list[tuple[str, str]] = []
    text = rest.lstrip()
    while text.startswith("--"):
        m = _FLAG.match(text)
        if not m:
            break
        flags.append((m.group(1).lower(), m.group(2) or ""))
        text = text[m.end() :]
    return flags, text


_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def substitute(text: str, env: dict[str, str]) -> tuple[str, bool]:
    """Docker's variable substitution (``$X``, ``${X}``, ``${X:-default}``, ``${X:+alt}``).
    Returns the text and whether every variable was known."""
    complete = True

    def sub(m: re.Match[str]) -> str:
        nonlocal complete
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3) or ""
        value = env.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                return word
            return value
        if op in (":+", "+"):
            return word if value else ""
        if value is None:
            complete = False
            return m.group(0)
        return value

    return _VAR.sub(sub, text), complete
