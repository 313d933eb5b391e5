"""``/regress`` commands in pull-request comments.

    /regress approve <fingerprint…|all> <reason>
    /regress revoke [fingerprint…|all]
    /regress recheck

A command is a line of its own starting with ``/regress``; quoted lines (``>``) and fenced code
blocks are not commands, so quoting someone's approval does not approve again.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_FP = re.compile(r"[0-9a-f]{8,64}\Z")
USAGE = "`/regress approve <fingerprint…|all> <reason>`, `/regress revoke [fingerprint…|all]` or `/regress recheck`"


class Verb(enum.StrEnum):
    APPROVE = "approve"
    REVOKE = "revoke"
    RECHECK = "recheck"


@dataclass(frozen=True)
class Command:
    verb: Verb | None
    #: Fingerprint prefixes; empty with ``all``.
    fingerprints: tuple[str, ...] = ()
    all: bool = False
    reason: str = ""
    #: Set when the line starts with ``/regress`` but cannot be understood.
    error: str = ""


def parse(body: str) -> list[Command]:
    out: list[Command] = []
    fenced = False
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or not line.startswith("/regress"):
            continue
        words = line.split()
        if words[0] != "/regress":
            continue
        if len(words) < 2:
            out.append(Command(None, error=f"a command is missing; use {USAGE}"))
            continue
        verb = words[1].lower()
        rest = words[2:]
        if verb == Verb.RECHECK:
            out.append(Command(Verb.RECHECK))
        elif verb in (Verb.APPROVE, Verb.REVOKE):
            every = bool(rest) and rest[0].lower() == "all"
            if every:
                rest = rest[1:]
            fps: list[str] = []
            while rest and not every and _FP.match(rest[0].lower()):
                fps.append(rest.pop(0).lower())
            reason = " ".join(rest).strip()
            if verb == Verb.APPROVE and not every and not fps:
                out.append(Command(None, error=f"name the findings to approve (fingerprints or `all`); use {USAGE}"))
                continue
            out.append(Command(Verb(verb), tuple(fps), every or (verb == Verb.REVOKE and not fps), reason))
        else:
            out.append(Command(None, error=f"unknown command `{words[1]}`; use {USAGE}"))
    return out
