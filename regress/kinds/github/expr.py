"""A three-valued evaluator for GitHub Actions expressions (``if:``, ``continue-on-error:``).

GitHub's expression language ("Evaluate expressions in workflows and actions", GitHub docs):
literals (``true``, ``false``, ``null``, numbers, ``'strings'`` with ``''`` as the escaped quote),
contexts (``github.event_name``, ``matrix['os']``, ``needs.*.result``), the operators
``( ) [ ] . ! < <= > >= == != && ||`` and the functions ``contains``, ``startsWith``, ``endsWith``,
``format``, ``join``, ``toJSON``, ``fromJSON``, ``hashFiles`` and the status checks ``success``,
``always``, ``cancelled``, ``failure``.

Whatever the evaluator cannot know offline (most contexts) is ``UNKNOWN``, and every operator
propagates it the way Kleene logic does: ``false && UNKNOWN`` is false, ``true || UNKNOWN`` is
true, anything else involving it is unknown. So a result of ``False`` is a proof that the
expression is false in the given environment; ``UNKNOWN`` proves nothing. This is what
actionlint's ``if-cond`` check and zizmor's constant-condition audits need, done per event.

Semantics that matter and are documented by GitHub: ``&&``/``||`` return an operand, not a bool;
falsy values are ``false``, ``0``, ``-0``, ``""``, ``null`` and NaN; ``==`` between different types
coerces both to numbers; string comparison ignores case.
"""

from __future__ import annotations

import enum
import functools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class _Unknown(enum.Enum):
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown.UNKNOWN


class ExprError(ValueError):
    """The text is not a valid expression."""


@dataclass(frozen=True, slots=True)
class Prefixed:
    """A string known only by its start: ``github.ref`` on a pull_request is ``refs/pull/…``."""

    prefix: str


# -- syntax ----------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^']|'')*')
      | (?P<num>-?(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))
      | (?P<op>&&|\|\||==|!=|<=|>=|[()\[\].,!<>*])
      | (?P<id>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.X,
)


@dataclass(frozen=True, slots=True)
class Node:
    op: str  # lit, ctx, call, not, and, or, cmp, idx, star
    args: tuple[Any, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"unexpected {text[pos : pos + 10]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExprError(f"expected {value or 'a token'}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise ExprError(f"unexpected {self.peek()}")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            node = Node("or", (node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.eq()
        while self.peek() == ("op", "&&"):
            self.take()
            node = Node("and", (node, self.eq()))
        return node

    def eq(self) -> Node:
        node = self.cmp()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            node = Node("cmp", (op, node, self.cmp()))
        return node

    def cmp(self) -> Node:
        node = self.unary()
        while self.peek() in (("op", "<"), ("op", "<="), ("op", ">"), ("op", ">=")):
            op = self.take()[1]
            node = Node("cmp", (op, node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.peek() == ("op", "!"):
            self.take()
            return Node("not", (self.unary(),))
        return self.postfix(self.primary())

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "str":
            return Node("lit", (value[1:-1].replace("''", "'"),))
        if kind == "num":
            return Node("lit", (_number(value),))
        if kind == "op" and value == "(":
            node = self.or_()
            self.take(")")
            return node
        if kind == "id":
            low = value.lower()
            if low in ("true", "false"):
                return Node("lit", (low == "true",))
            if low == "null":
                return Node("lit", (None,))
            if self.peek() == ("op", "("):
                self.take()
                args: list[Node] = []
                if self.peek() != ("op", ")"):
                    args.append(self.or_())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.or_())
                self.take(")")
                return Node("call", (low, tuple(args)))
            return Node("ctx", (value,))
        raise ExprError(f"unexpected {value!r}")

    def postfix(self, node: Node) -> Node:
        while True:
            tok = self.peek()
            if tok == ("op", "."):
                self.take()
                kind, value = self.take()
                if value == "*":
                    node = Node("star", (node,))
                elif kind == "id":
                    node = Node("idx", (node, Node("lit", (value,))))
                else:
                    raise ExprError(f"bad property {value!r}")
            elif tok == ("op", "["):
                self.take()
                if self.peek() == ("op", "*"):
                    self.take()
                    node = Node("star", (node,))
                else:
                    node = Node("idx", (node, self.or_()))
                self.take("]")
            else:
                return node


def _number(text: str) -> float:
    neg = text.startswith("-")
    body = text[1:] if neg else text
    value = float(int(body, 16)) if body.lower().startswith("0x") else float(body)
    return -value if neg else value


_WRAPPED = re.compile(r"^\s*\$\{\{(.*)\}\}\s*$", re.S)
_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}", re.S)


@functools.lru_cache(maxsize=2048)
def parse_condition(text: str) -> Node:
    """An ``if:`` value as an expression (kept per text: the same conditions recur, and nodes
    are immutable).

    ``if:`` may omit ``${{ }}``; when the value mixes ``${{ }}`` with other text it is a string
    template, which is always truthy (actionlint ``if-cond``): it is returned as that literal.
    """
    m = _WRAPPED.match(text)
    inner = m.group(1) if m and "${{" not in m.group(1) else None
    if inner is not None:
        return _Parser(inner).parse()
    if "${{" in text:
        return Node("lit", (text,))
    return _Parser(text).parse()


def parse_value(text: str) -> Node:
    """A non-``if`` field: a literal string unless it is one whole ``${{ }}`` expression."""
    m = _WRAPPED.match(text)
    if m and "${{" not in m.group(1):
        return _Parser(m.group(1)).parse()
    if "${{" in text:
        return Node("lit", (UNKNOWN,))
    return Node("lit", (text,))


def literal_choices(text: str) -> tuple[str, ...] | None:
    """The strings a whole ``${{ }}`` value can become when it only chooses among string
    literals (``${{ cond && 'make test-race' || 'make test' }}``, the documented stand-in for a
    ternary operator, GitHub docs "Evaluate expressions": `&&` yields its right operand when the
    left is truthy, `||` its left when truthy, else its right); None for anything else."""
    m = _WRAPPED.match(text)
    if not m or "${{" in m.group(1):
        return None
    try:
        node = _Parser(m.group(1)).parse()
    except ExprError:
        return None
    found = _choices(node)
    return tuple(dict.fromkeys(found)) if found else None


def _choices(node: Node) -> list[str] | None:
    if node.op == "lit":
        value = node.args[0]
        return [value] if isinstance(value, str) and value else None
    if node.op == "and":
        return _choices(node.args[1])  # a falsy left operand is no command: `||` takes over
    if node.op == "or":
        left = node.args[0]
        # `a && 'x' || 'y'`: the left yields 'x' or a falsy value, which `||` replaces by 'y'
        first = _choices(left)
        second = _choices(node.args[1])
        return first + second if first is not None and second is not None else None
    return None


def expressions_in(text: str) -> list[str]:
    """The bodies of every ``${{ … }}`` inside a string."""
    return [m.group(1).strip() for m in _EMBEDDED.finditer(text)]


# -- evaluation ------------------------------------------------------------------------------------
Lookup = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class Env:
    """What is known while evaluating: contexts by root name, and the job status functions."""

    contexts: Mapping[str, Any]
    #: success(), failure(), cancelled(): True/False/UNKNOWN. always() is always True.
    success: Any = True
    failure: Any = False
    cancelled: Any = False


def truthy(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, Prefixed):
        return True
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def evaluate(node: Node, env: Env) -> Any:
    op, args = node.op, node.args
    if op == "lit":
        return args[0]
    if op == "ctx":
        return env.contexts.get(args[0].lower(), UNKNOWN) if isinstance(env.contexts, dict) else UNKNOWN
    if op == "idx":
        return _index(evaluate(args[0], env), evaluate(args[1], env))
    if op == "star":
        base = evaluate(args[0], env)
        if base is UNKNOWN:
            return UNKNOWN
        if isinstance(base, Mapping):
            return _Star(list(base.values()))
        if isinstance(base, list):
            return _Star(list(base))
        return _Star([])
    if op == "not":
        t = truthy(evaluate(args[0], env))
        return UNKNOWN if t is UNKNOWN else not t
    if op == "and":
        left = evaluate(args[0], env)
        t = truthy(left)
        if t is False:
            return left
        right = evaluate(args[1], env)
        if t is True:
            return right
        return False if truthy(right) is False else UNKNOWN
    if op == "or":
        left = evaluate(args[0], env)
        t = truthy(left)
        if t is True:
            return left
        right = evaluate(args[1], env)
        if t is False:
            return right
        return True if truthy(right) is True else UNKNOWN
    if op == "cmp":
        return _compare(args[0], evaluate(args[1], env), evaluate(args[2], env))
    if op == "call":
        return _call(args[0], [evaluate(a, env) for a in args[1]], env)
    raise ExprError(op)


class _Star(list[Any]):
    """The result of a ``.*`` filter: a list whose further property access maps over items."""


def _index(base: Any, key: Any) -> Any:
    if base is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    if isinstance(base, _Star):
        return _Star([_index(item, key) for item in base])
    if isinstance(base, Mapping):
        if isinstance(key, str):
            for k, v in base.items():
                if isinstance(k, str) and k.lower() == key.lower():
                    return v
            return base.get("__default__", None) if "__default__" in base else UNKNOWN
        return None
    if isinstance(base, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        i = int(key)
        return base[i] if 0 <= i < len(base) else None
    return None


def _to_number(value: Any) -> float:
    if value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return _number(text)
        except ValueError:
            return math.nan
    return math.nan


def _compare(op: str, a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN or isinstance(a, _Star) or isinstance(b, _Star):
        return UNKNOWN
    if isinstance(a, Prefixed) or isinstance(b, Prefixed):
        p, other = (a, b) if isinstance(a, Prefixed) else (b, a)
        if op in ("==", "!=") and isinstance(other, str):
            differs = not other.lower().startswith(p.prefix.lower())
            if differs:
                return op == "!="
        return UNKNOWN
    if op in ("==", "!="):
        eq = _loose_equal(a, b)
        return eq if op == "==" else not eq
    if isinstance(a, str) and isinstance(b, str):
        x: Any = a.lower()
        y: Any = b.lower()
    else:
        x, y = _to_number(a), _to_number(b)
        if math.isnan(x) or math.isnan(y):
            return False
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _loose_equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, (Mapping, list)) or isinstance(b, (Mapping, list)):
        return a is b
    if type(a) is type(b) or (a is None and b is None):
        return bool(a == b)
    x, y = _to_number(a), _to_number(b)
    return not (math.isnan(x) or math.isnan(y)) and x == y


def _text(value: Any) -> Any:
    if value is UNKNOWN or isinstance(value, Prefixed):
        return UNKNOWN
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (Mapping, list)):
        return UNKNOWN
    return str(value)


def _call(name: str, args: Sequence[Any], env: Env) -> Any:
    if name == "always":
        return True
    if name == "success":
        return env.success
    if name == "failure":
        return env.failure
    if name == "cancelled":
        return env.cancelled
    if name in ("startswith", "endswith") and len(args) == 2:
        if isinstance(args[0], Prefixed) and name == "startswith" and isinstance(args[1], str):
            p, s = args[0].prefix.lower(), args[1].lower()
            if p.startswith(s):
                return True
            return UNKNOWN if s.startswith(p) else False
        a, b = _text(args[0]), _text(args[1])
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        return a.lower().startswith(b.lower()) if name == "startswith" else a.lower().endswith(b.lower())
    if name == "contains" and len(args) == 2:
        hay, needle = args
        if hay is UNKNOWN or needle is UNKNOWN:
            return UNKNOWN
        if isinstance(hay, list):
            if any(v is UNKNOWN for v in hay):
                return True if any(v is not UNKNOWN and _loose_equal(v, needle) for v in hay) else UNKNOWN
            return any(_loose_equal(v, needle) for v in hay)
        h, n = _text(hay), _text(needle)
        if h is UNKNOWN or n is UNKNOWN:
            return UNKNOWN
        return n.lower() in h.lower()
    if name == "fromjson" and len(args) == 1 and isinstance(args[0], str):
        try:
            return json.loads(args[0])
        except ValueError:
            return UNKNOWN
    if name == "format" and args:
        texts = [_text(a) for a in args]
        if any(t is UNKNOWN for t in texts):
            return UNKNOWN
        out = texts[0]
        for i, t in enumerate(texts[1:]):
            out = out.replace("{" + str(i) + "}", t)
        return out
    return UNKNOWN


# -- what the rules ask ----------------------------------------------------------------------------
#: Functions that make a job or step run after a failure (GitHub docs "Status check functions").
STATUS_FUNCTIONS = frozenset({"success", "failure", "always", "cancelled"})


def uses_status_function(node: Node) -> bool:
    if node.op == "call" and node.args[0] in STATUS_FUNCTIONS:
        return True
    return any(isinstance(a, Node) and uses_status_function(a) for a in _children(node))


def _children(node: Node) -> list[Node]:
    out: list[Node] = []
    for a in node.args:
        if isinstance(a, Node):
            out.append(a)
        elif isinstance(a, tuple):
            out.extend(x for x in a if isinstance(x, Node))
    return out


def condition_truth(text: str | None, env: Env) -> Any:
    """Whether a job or step ``if:`` lets it run in ``env``: True, False or UNKNOWN.

    No condition means ``success()``; a condition without a status function is implicitly
    ``success() && (…)`` (GitHub docs "Status check functions"). An unparsable condition is
    UNKNOWN: GitHub would reject the workflow, which is reported elsewhere.
    """
    if text is None or not str(text).strip():
        return truthy(env.success)
    try:
        node = parse_condition(str(text))
    except ExprError:
        return UNKNOWN
    if not uses_status_function(node):
        node = Node("and", (Node("call", ("success", ())), node))
    return truthy(evaluate(node, env))


def value_truth(text: Any, contexts: Mapping[str, Any]) -> Any:
    """Truth of a field such as ``continue-on-error`` (bool, or ``${{ … }}`` text)."""
    if isinstance(text, bool):
        return text
    if text is None:
        return False
    try:
        return truthy(evaluate(parse_value(str(text)), Env(contexts)))
    except ExprError:
        return UNKNOWN


def boolean_field(text: Any, contexts: Mapping[str, Any]) -> Any:
    """What the runner makes of a boolean field such as a step's ``continue-on-error`` (a bool,
    or ``${{ … }}`` text): True only when the expression yields the boolean ``true``. The field's
    schema admits booleans alone, so any other result (``${{ matrix.laravel || 'false' }}`` gives
    the string ``'false'`` on an entry without ``laravel``, or ``1``) is an "Unexpected value"
    error (actions/runner: ``TemplateEvaluator.Validate``), and the runner keeps the flag false
    when its evaluation fails ("The step failed and an error occurred when attempting to determine
    whether to continue on error", ``StepsRunner``). A literal string outside an expression is
    left ``UNKNOWN``."""
    if isinstance(text, bool):
        return text
    if text is None:
        return False
    if not _WRAPPED.match(str(text)):
        return UNKNOWN
    try:
        value = evaluate(parse_value(str(text)), Env(contexts))
    except ExprError:
        return UNKNOWN
    if value is UNKNOWN or value is True:
        return value
    return False


def event_contexts(event: str | None, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Contexts known for a run triggered by ``event`` (None: any event)."""
    github: dict[str, Any] = {"__default__": UNKNOWN}
    if event is not None:
        github["event_name"] = event
        if event == "pull_request":
            # On pull_request GITHUB_REF is the merge ref refs/pull/<n>/merge (GitHub docs
            # "Events that trigger workflows"); pull_request_target runs on the base ref instead.
            github["ref"] = Prefixed("refs/pull/")
    out: dict[str, Any] = {"github": github}
    if extra:
        out.update(extra)
    return out
