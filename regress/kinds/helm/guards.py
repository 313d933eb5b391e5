"""A template's top-level ``if`` guard: what it reads, whether it is off, and how to turn it on.

Charts wrap whole optional objects in ``{{- if .Values.x.enabled }} … {{- end }}``. When such a
switch is off in every values file the chart ships, the template renders to nothing under every
render root, and a change to it (an OpenShift SecurityContextConstraints loosened behind
``rbac.sccEnabled``) would go unverified. This module reads the guard so the handler can render
the template once more with the guard switched on (``switches.py``).

Only a guard that wraps the *whole* file is recognised: the first action of the template (after
comments) is an ``if`` whose matching ``end`` is its last action, with no ``else`` branch between
them. Its condition is parsed as a small part of Go's template language (text/template: ``and``,
``or``, ``not``, ``eq``, ``ne``, parentheses, ``.Values`` field chains, literals and
``.Capabilities.APIVersions.Has "group/version"``); anything else is opaque and the guard cannot
be switched on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Template actions that open a block closed by ``end`` (text/template: if, range, with, define,
#: block; ``else``/``else if`` continue the block they are in).
_OPENERS = ("if", "range", "with", "define", "block")
_CAP_HAS = re.compile(r"\$?\.Capabilities\.APIVersions\.Has$")
_FIELD = re.compile(r"\$?\.[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
#: Kubernetes' built-in API groups: Helm renders offline with ``DefaultCapabilities``, whose
#: ``APIVersions`` are the versions client-go's scheme knows (helm.sh/helm
#: pkg/chart/common/capabilities.go, ``allKnownVersions``). A group outside Kubernetes
#: (``security.openshift.io``, ``monitoring.coreos.com``) is therefore absent when rendering;
#: for a built-in group the answer depends on the version and is left unknown.
_BUILTIN_GROUP = re.compile(r"(?:[a-z0-9-]+|[a-z0-9.-]+\.k8s\.io)")


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


#: The value of a condition that cannot be evaluated offline.
UNKNOWN: Any = _Unknown()


@dataclass(frozen=True, slots=True)
class Values:
    """``.Values.a.b``: a field chain into the chart's values."""

    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any


@dataclass(frozen=True, slots=True)
class HasApi:
    """``.Capabilities.APIVersions.Has "group/version"``."""

    api: str


@dataclass(frozen=True, slots=True)
class Call:
    fn: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Opaque:
    text: str


Node = Values | Literal | HasApi | Call | Opaque


@dataclass(frozen=True, slots=True)
class Guard:
    """A whole-file guard: its condition's text and parsed form, and where the action is."""

    text: str
    condition: Node
    #: The ``{{ if … }}`` action's span in the template text.
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SwitchOn:
    """What turns a guard on: values to set, and capability checks to answer with true."""

    values: tuple[tuple[tuple[str, ...], Any], ...]
    apis: tuple[str, ...] = ()

    def merged(self, other: SwitchOn) -> SwitchOn | None:
        """Both sets at once; None when they set one path to two values."""
        values = dict(self.values)
        for path, value in other.values:
            if path in values and values[path] != value:
                return None
            values[path] = value
        return SwitchOn(tuple(sorted(values.items())), tuple(sorted(set(self.apis) | set(other.apis))))

    def describe(self) -> str:
        parts = [f"{'.'.join(p)}={show(v)}" for p, v in self.values]
        parts.extend(f"api:{api}" for api in self.apis)
        return ",".join(parts)


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- finding the guard --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Action:
    start: int
    end: int
    body: str


def _actions(text: str) -> list[_Action] | None:
    """Every ``{{ … }}`` action with its trim markers and comments told apart; None when an
    action is not closed (the template is broken, and Helm will say so)."""
    out: list[_Action] = []
    i = 0
    while True:
        start = text.find("{{", i)
        if start < 0:
            return out
        j = start + 2
        quote = ""
        while j < len(text):
            c = text[j]
            if quote:
                if c == "\\" and quote == '"':
                    j += 2
                    continue
                if c == quote:
                    quote = ""
            elif c in '"`':
                quote = c
            elif text.startswith("}}", j):
                break
            j += 1
        else:
            return None
        inner = text[start + 2 : j]
        body = inner.removeprefix("-").removesuffix("-").strip()
        out.append(_Action(start, j + 2, body))
        i = j + 2


def _keyword(body: str) -> str:
    word = body.split(None, 1)[0] if body else ""
    return word


def find_guard(text: str) -> Guard | None:
    """The ``if`` that wraps the whole template, or None."""
    actions = _actions(text)
    if not actions:
        return None
    actions = [a for a in actions if not a.body.startswith("/*")]
    if not actions:
        return None
    first = actions[0]
    if _keyword(first.body) != "if" or _outside(text, actions, first):
        return None
    depth = 0
    for k, action in enumerate(actions):
        word = _keyword(action.body)
        if word in _OPENERS:
            depth += 1
        elif word == "else" and depth == 1:
            return None  # something renders when the guard is off
        elif word == "end":
            depth -= 1
            if depth == 0:
                if k != len(actions) - 1 or text[action.end :].strip():
                    return None
                condition_text = first.body[len("if") :].strip()
                return Guard(condition_text, parse(condition_text), first.start, first.end)
    return None


def _outside(text: str, actions: list[_Action], first: _Action) -> bool:
    """Whether anything but whitespace and comments comes before the first action."""
    before = text[: first.start]
    for a in _actions(before) or []:
        before = before.replace(text[a.start : a.end], "")
    return bool(before.strip())


# -- parsing the condition ----------------------------------------------------------------------


def _tokens(text: str) -> list[str] | None:
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(c)
            i += 1
        elif c == "|":
            return None  # pipelines are not followed
        elif c in '"`':
            end = i + 1
            while end < len(text) and text[end] != c:
                end += 2 if c == '"' and text[end] == "\\" else 1
            if end >= len(text):
                return None
            out.append(text[i : end + 1])
            i = end + 1
        else:
            end = i
            while end < len(text) and not text[end].isspace() and text[end] not in '()|"`':
                end += 1
            out.append(text[i:end])
            i = end
    return out


def parse(text: str) -> Node:
    tokens = _tokens(text)
    if tokens is None:
        return Opaque(text)
    parser = _Parser(tokens)
    node = parser.command()
    if parser.pos != len(tokens):
        return Opaque(text)
    return node


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def command(self) -> Node:
        operands: list[Node | str] = []
        while self.pos < len(self.tokens) and self.tokens[self.pos] != ")":
            operands.append(self.operand())
        if not operands:
            return Opaque("")
        head = operands[0]
        if isinstance(head, str):
            args = tuple(a if not isinstance(a, str) else Opaque(a) for a in operands[1:])
            if head in ("and", "or") and args:
                return Call(head, args)
            if head == "not" and len(args) == 1:
                return Call(head, args)
            if head in ("eq", "ne") and len(args) == 2:
                return Call(head, args)
            return Opaque(" ".join(str(o) for o in operands))
        if len(operands) == 1:
            return head
        if isinstance(head, Opaque) and _CAP_HAS.match(head.text) and len(operands) == 2:
            arg = operands[1]
            if isinstance(arg, Literal) and isinstance(arg.value, str):
                return HasApi(arg.value)
        return Opaque(" ".join(str(o) for o in operands))

    def operand(self) -> Node | str:
        tok = self.tokens[self.pos]
        self.pos += 1
        if tok == "(":
            node = self.command()
            if self.pos < len(self.tokens) and self.tokens[self.pos] == ")":
                self.pos += 1
                return node
            return Opaque("(")
        if tok[0] in '"`':
            return Literal(tok[1:-1])
        if tok in ("true", "false"):
            return Literal(tok == "true")
        if _NUMBER.fullmatch(tok):
            return Literal(float(tok) if "." in tok else int(tok))
        if _FIELD.fullmatch(tok):
            parts = tok.lstrip("$").lstrip(".").split(".")
            if parts[0] == "Values" and len(parts) > 1:
                return Values(tuple(parts[1:]))
            return Opaque(tok)
        if tok.isidentifier():
            return tok
        return Opaque(tok)


# -- evaluating and switching on ---------------------------------------------------------------


def truth(value: Any) -> Any:
    """Go template truthiness (text/template ``isTrue``): false, 0, nil and empty are false."""
    if value is UNKNOWN:
        return UNKNOWN
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (str, list, tuple, dict)):
        return len(value) > 0
    return True


def evaluate(node: Node, values: Mapping[str, Any]) -> Any:
    """The condition's value with these values (UNKNOWN where it depends on what is not known)."""
    if isinstance(node, Values):
        current: Any = values
        for step in node.path:
            if not isinstance(current, Mapping):
                return None
            current = current.get(step)
        return current
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, HasApi):
        group = node.api.split("/", 1)[0] if "/" in node.api else ""
        if node.api == "v1" or (group and _BUILTIN_GROUP.fullmatch(group)):
            return UNKNOWN
        return False
    if isinstance(node, Call):
        args = [evaluate(a, values) for a in node.args]
        truths = [truth(a) for a in args]
        if node.fn == "and":
            return False if any(t is False for t in truths) else (UNKNOWN if UNKNOWN in truths else True)
        if node.fn == "or":
            return True if any(t is True for t in truths) else (UNKNOWN if UNKNOWN in truths else False)
        if node.fn == "not":
            return UNKNOWN if truths[0] is UNKNOWN else not truths[0]
        if UNKNOWN in args:
            return UNKNOWN
        same = _loose_equal(args[0], args[1])
        return same if node.fn == "eq" else not same
    return UNKNOWN


def _loose_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def switch_on(node: Node) -> SwitchOn | None:
    """Values (and capability answers) that make the condition true; None when none can."""
    if isinstance(node, Values):
        return SwitchOn(((node.path, True),))
    if isinstance(node, Literal):
        return SwitchOn(()) if truth(node.value) is True else None
    if isinstance(node, HasApi):
        return SwitchOn((), (node.api,))
    if isinstance(node, Call):
        if node.fn == "and":
            out: SwitchOn | None = SwitchOn(())
            for arg in node.args:
                sub = switch_on(arg)
                if sub is None or out is None:
                    return None
                out = out.merged(sub)
            return out
        if node.fn == "or":
            options = [s for s in (switch_on(a) for a in node.args) if s is not None]
            # Prefer a values switch over answering a capability check.
            options.sort(key=lambda s: (len(s.apis), len(s.values)))
            return options[0] if options else None
        if node.fn == "not":
            arg = node.args[0]
            if isinstance(arg, Values):
                return SwitchOn(((arg.path, False),))
            return None
        if node.fn == "eq":
            a, b = node.args
            if isinstance(a, Values) and isinstance(b, Literal):
                return SwitchOn(((a.path, b.value),))
            if isinstance(b, Values) and isinstance(a, Literal):
                return SwitchOn(((b.path, a.value),))
        return None
    return None


def answer_apis(text: str, guard: Guard, apis: tuple[str, ...]) -> str:
    """The template with the guard's capability checks for ``apis`` answered ``true``."""
    if not apis:
        return text
    action = text[guard.start : guard.end]
    for api in apis:
        pattern = re.compile(r"\$?\.Capabilities\.APIVersions\.Has\s+[\"`]" + re.escape(api) + r"[\"`]")
        action = pattern.sub("true", action)
    return text[: guard.start] + action + text[guard.end :]
