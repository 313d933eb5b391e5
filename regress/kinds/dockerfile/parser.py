"""Dockerfile syntax: instructions with their flags, arguments and line, as BuildKit reads them.

Follows the Dockerfile reference (docs.docker.com/reference/dockerfile): parser directives
(``# escape=`` before anything else), line continuations with the escape character, comment
lines dropped (also inside a continuation), empty continuation lines ignored, heredocs
(``RUN <<EOF`` … ``EOF``, ``<<-`` strips leading tabs), ``--flag=value`` options before the
arguments. Never raises: a line it cannot read is returned as an error with its number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

#: Refuse absurd inputs early: instructions past this count are not read (one error is returned).
MAX_INSTRUCTIONS = 20_000

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
_INSTRUCTION = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*)(?:\s+|$)(.*)$", re.S)
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
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
    # Parser directives: only before the first instruction, comment or blank line.
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            break
        if m.group(1).lower() == "escape" and m.group(2) in ("\\", "`"):
            escape = m.group(2)
        i += 1
    out: list[Instruction] = []
    errors: list[ParseError] = []
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
        for hm in _HEREDOC.finditer(rest):
            body: list[str] = []
            strip_tabs = hm.group(1) == "-"
            end = hm.group(3)
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
