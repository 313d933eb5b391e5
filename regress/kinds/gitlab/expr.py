"""GitLab CI/CD variable expressions (``rules:if``, ``only:variables``, ``workflow:rules:if``),
evaluated over partly known variables.

Syntax (docs "CI/CD variable expressions"; lib/gitlab/ci/pipeline/expression/lexeme/*): ``$VAR``
(and ``${VAR}``), ``"string"``/``'string'``, ``null``, ``/regex/flags``, the operators ``==``,
``!=``, ``=~``, ``!~``, ``&&`` (binds tighter than ``||``), ``||``, and parentheses. A variable
alone is true when it is set and not empty; ``=~`` matches anywhere in the string; an unset
variable never matches.

Not every value is known offline. A variable's value is a string, ``None`` (unset), or a ``Sym``:
a value known only by name (the default branch, the merge request's source branch, a project
variable). Comparing a ``Sym`` with something asks an *oracle* about an ``Atom`` — "is the default
branch named main?", "is $RUN_E2E set?" — so one expression can be evaluated under every answer,
and two expressions compared by whether they agree under all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: An unknown fact an expression depends on, e.g. ("eq", "default-branch", "main").
Atom = tuple[str, ...]
Oracle = Callable[[Atom], bool]


@dataclass(frozen=True, slots=True)
class Sym:
    """A value known by name only. ``maybe_unset``: it may also be unset (a project variable);
    otherwise it is set and not empty (the name of the branch being pushed)."""

    name: str
    maybe_unset: bool = False
    #: Symbols in the same group are known to differ from each other (two different branches).
    group: str = ""
    #: Literals this value is known not to equal (a feature branch is not named like the default
    #: branch conventionally is).
    never: frozenset[str] = frozenset()


Value = str | None | Sym


class ParseError(Exception):
    pass


# -- syntax -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Var:
    name: str


@dataclass(frozen=True, slots=True)
class Lit:
    value: str | None


@dataclass(frozen=True, slots=True)
class Regex:
    pattern: str
    flags: str


@dataclass(frozen=True, slots=True)
class Cmp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Bool:
    op: str  # "&&" | "||"
    left: Node
    right: Node


Node = Var | Lit | Regex | Cmp | Bool

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<var>\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)
      | (?P<dq>"(?:[^"\\]|\\.)*")
      | (?P<sq>'(?:[^'\\]|\\.)*')
      | (?P<null>null\b)
      | (?P<op>==|!=|=~|!~|&&|\|\||\(|\))
      | (?P<re>/(?:[^/\\]|\\.)*/[a-z]*)
    )""",
    re.X,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ParseError(f"unexpected {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ParseError("unexpected end of expression")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise ParseError(f"unexpected {self.peek()!r}")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            node = Bool("||", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            node = Bool("&&", node, self.cmp())
        return node

    def cmp(self) -> Node:
        left = self.atom()
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] in ("==", "!=", "=~", "!~"):
            self.take()
            return Cmp(tok[1], left, self.atom())
        return left

    def atom(self) -> Node:
        kind, text = self.take()
        if kind == "op" and text == "(":
            node = self.or_()
            if self.take() != ("op", ")"):
                raise ParseError("missing )")
            return node
        if kind == "var":
            return Var(text.strip("${}"))
        if kind in ("dq", "sq"):
            return Lit(re.sub(r"\\(.)", r"\1", text[1:-1]))
        if kind == "null":
            return Lit(None)
        if kind == "re":
            body, _, flags = text[1:].rpartition("/")
            return Regex(body, flags)
        raise ParseError(f"unexpected {text!r}")


def parse(text: str) -> Node:
    return _Parser(_tokens(text)).parse()


# -- evaluation ---------------------------------------------------------------------------------


class Evaluator:
    """Evaluates expressions against ``env``; unknown facts are asked of ``oracle``.

    Variables missing from ``env`` are project or instance variables the repository cannot see:
    ``Sym(name, maybe_unset=True)``.
    """

    def __init__(self, env: Mapping[str, Value], oracle: Oracle) -> None:
        self.env = env
        self.oracle = oracle
        #: True while collecting atoms: both sides of && and || are always evaluated.
        self.eager = False

    def value(self, node: Node) -> Value:
        if isinstance(node, Var):
            if node.name in self.env:
                return self.env[node.name]
            return Sym(node.name, maybe_unset=True)
        if isinstance(node, Lit):
            return node.value
        return None

    def truth(self, node: Node) -> bool:
        if isinstance(node, Bool):
            left = self.truth(node.left)
            if not self.eager and (left if node.op == "||" else not left):
                return left
            right = self.truth(node.right)
            return (left or right) if node.op == "||" else (left and right)
        if isinstance(node, Cmp):
            return self.compare(node)
        if isinstance(node, (Var, Lit)):
            return self.is_set(self.value(node))
        return True  # a bare regex literal is a truthy value

    def is_set(self, v: Value) -> bool:
        if isinstance(v, Sym):
            return True if not v.maybe_unset else self.oracle(("set", v.name))
        return v is not None and v != ""

    def compare(self, node: Cmp) -> bool:
        if node.op in ("=~", "!~"):
            matched = self.match(self.value(node.left), node.right)
            return matched if node.op == "=~" else not matched
        equal = self.equal(self.value(node.left), self.value(node.right))
        return equal if node.op == "==" else not equal

    def equal(self, a: Value, b: Value) -> bool:
        if isinstance(a, Sym) and isinstance(b, Sym):
            if a.name == b.name:
                return True
            if a.group and a.group == b.group:
                return False
            first, second = sorted((a.name, b.name))
            return self.oracle(("eq", first, second))
        if isinstance(b, Sym):
            a, b = b, a
        if isinstance(a, Sym):
            if b is None:
                return not self.is_set(a)
            assert not isinstance(b, Sym)
            if b in a.never:
                return False
            return self.oracle(("eq", a.name, b))
        return a == b

    def match(self, v: Value, pattern_node: Node) -> bool:
        if isinstance(pattern_node, Regex):
            pattern, flags = pattern_node.pattern, pattern_node.flags
        else:
            text = self.value(pattern_node)
            if isinstance(text, str) and len(text) >= 2 and text.startswith("/") and "/" in text[1:]:
                pattern, _, flags = text[1:].rpartition("/")
            elif isinstance(text, Sym):
                return self.oracle(("match-var", v.name if isinstance(v, Sym) else str(v), text.name))
            else:
                return False
        if v is None:
            return False
        if isinstance(v, Sym):
            return self.oracle(("match", v.name, f"/{pattern}/{flags}"))
        try:
            # GitLab matches with RE2 (untrusted regexps); the syntax shared with Python's re is
            # what CI configurations use in practice.
            return re.search(pattern, v, re.I if "i" in flags else 0) is not None
        except re.error:
            return self.oracle(("match", repr(v), f"/{pattern}/{flags}"))


def atoms_of(node: Node, env: Mapping[str, Value]) -> set[Atom]:
    """Every unknown fact ``node`` may ask about under ``env``."""
    seen: set[Atom] = set()

    def record(atom: Atom) -> bool:
        seen.add(atom)
        return False

    ev = Evaluator(env, record)
    ev.eager = True
    ev.truth(node)
    return seen


def describe(atom: Atom) -> str:
    """A reviewer-readable phrase for an atom."""
    kind = atom[0]
    if kind == "set":
        return f"${atom[1]} is set"
    if kind == "eq":
        return f"{_name(atom[1])} is {atom[2]!r}" if not atom[2].startswith("ref:") else f"{atom[1]} == {atom[2]}"
    if kind == "match":
        return f"{_name(atom[1])} matches {atom[2]}"
    if kind == "changes":
        return f"files matching {atom[1]!r} change"
    if kind == "exists":
        return f"a file matching {atom[1]!r} exists"
    if kind == "unparsable":
        return f"the expression {atom[1]!r} (not understood)"
    return " ".join(atom)


def _name(sym: str) -> str:
    return {
        "default-branch": "the default branch",
        "branch": "the pushed branch",
        "mr-source-branch": "the merge request's source branch",
        "mr-target-branch": "the merge request's target branch",
        "tag": "the tag",
        "project-path": "the project path",
    }.get(sym, f"${sym}")
