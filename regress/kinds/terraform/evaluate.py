"""Evaluation of Terraform expressions, as far as the configuration alone decides them.

Known: literals, templates, variables (tfvars and ``*.auto.tfvars`` over defaults), locals,
arithmetic and comparison, conditionals and the common functions. Unknown: resource and data
attributes, module outputs, ``count.index``/``each``, variables without a value, files.

Conditionals: a condition that compares with a string literal (``var.env == "production"``) or
reads ``terraform.workspace`` selects an environment, so both branches stay in play as a
``Choice`` even when a default would decide it; any other condition is decided when its value is
known (a ``var.create`` toggle takes its default), and kept as a ``Choice`` otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from regress.kinds.terraform import hcl
from regress.kinds.terraform.values import Choice, Unknown, as_bool, as_number, as_str, is_known

#: Local values referring to each other deeper than this are left unknown (and so are cycles).
MAX_LOCAL_DEPTH = 32
#: A value built by evaluation larger than this many items is left unknown (``range(1e9)``).
MAX_ITEMS = 10_000


@dataclass
class Scope:
    """What ``var.*`` and ``local.*`` mean inside one module folder."""

    variables: Mapping[str, Any] = field(default_factory=dict)
    locals: Mapping[str, hcl.Expr] = field(default_factory=dict)
    _local_values: dict[str, Any] = field(default_factory=dict)
    _evaluating: set[str] = field(default_factory=set)

    def local(self, name: str) -> Any:
        if name in self._local_values:
            return self._local_values[name]
        expr = self.locals.get(name)
        if expr is None or name in self._evaluating or len(self._evaluating) > MAX_LOCAL_DEPTH:
            return Unknown(f"local.{name}")
        self._evaluating.add(name)
        try:
            value = evaluate(expr, self)
        finally:
            self._evaluating.discard(name)
        if isinstance(value, Unknown):
            value = Unknown(f"local.{name}")
        self._local_values[name] = value
        return value


def evaluate(expr: Any, scope: Scope) -> Any:
    try:
        return _eval(expr, scope, 0)
    except RecursionError:
        return Unknown(hcl.render(expr))


def _eval(expr: Any, scope: Scope, depth: int) -> Any:
    if depth > hcl.MAX_DEPTH:
        return Unknown(hcl.render(expr))
    d = depth + 1
    if isinstance(expr, hcl.Lit):
        return expr.value
    if isinstance(expr, hcl.Template):
        return _template(expr, scope, d)
    if isinstance(expr, hcl.Ref):
        return _ref(expr, scope, d)
    if isinstance(expr, hcl.TupleExpr):
        return [_eval(i, scope, d) for i in expr.items]
    if isinstance(expr, hcl.ObjectExpr):
        out: dict[str, Any] = {}
        for k, v in expr.items:
            key = _eval(k, scope, d)
            key_text = as_str(key)
            if key_text is None:
                return Unknown(hcl.render(expr))
            out[key_text] = _eval(v, scope, d)
        return out
    if isinstance(expr, hcl.Cond):
        return _cond(expr, scope, d)
    if isinstance(expr, hcl.Binary):
        return _binary(expr, scope, d)
    if isinstance(expr, hcl.Unary):
        value = _eval(expr.operand, scope, d)
        if expr.op == "!":
            b = as_bool(value)
            return (not b) if b is not None else Unknown(hcl.render(expr))
        if expr.op == "-":
            n = as_number(value)
            return -n if n is not None else Unknown(hcl.render(expr))
        return Unknown(hcl.render(expr))
    if isinstance(expr, hcl.Call):
        return _call(expr, scope, d)
    return Unknown(hcl.render(expr))


def _template(expr: hcl.Template, scope: Scope, depth: int) -> Any:
    out: list[str] = []
    for part in expr.parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = _eval(part, scope, depth)
        text = as_str(value)
        if text is None:
            return Unknown(hcl.render(_partial(expr, scope, depth)))
        out.append(text)
    return "".join(out)


def _partial(expr: hcl.Template, scope: Scope, depth: int) -> hcl.Template:
    """The template with its known parts filled in, so ``"${var.p}-logs"`` with ``p = "x"``
    reads ``"x-logs"`` and an unknown part keeps its expression."""
    parts: list[Any] = []
    for part in expr.parts:
        if isinstance(part, str):
            parts.append(part)
            continue
        text = as_str(_eval(part, scope, depth))
        parts.append(text if text is not None else part)
    return hcl.Template(tuple(parts))


def _ref(expr: hcl.Ref, scope: Scope, depth: int) -> Any:
    root, steps = expr.root, expr.steps
    value: Any
    if root == "var" and steps and isinstance(steps[0], str):
        value = scope.variables.get(steps[0], Unknown(f"var.{steps[0]}"))
        rest = steps[1:]
    elif root == "local" and steps and isinstance(steps[0], str):
        value = scope.local(steps[0])
        rest = steps[1:]
    else:
        return Unknown(hcl.render(expr))
    for raw_step in rest:
        step = raw_step if isinstance(raw_step, (str, int)) else _eval(raw_step, scope, depth)
        found, value = _index(value, step)
        if not found:
            return Unknown(hcl.render(expr))
    return value


def _index(value: Any, step: Any) -> tuple[bool, Any]:
    if isinstance(value, dict) and isinstance(step, str) and step in value:
        return True, value[step]
    if isinstance(value, list) and isinstance(step, int) and not isinstance(step, bool) and 0 <= step < len(value):
        return True, value[step]
    return False, None


def selects_environment(pred: Any) -> bool:
    """A condition that picks a deployment: a comparison with a non-empty string literal
    (``var.env == "production"``), or any use of ``terraform.workspace``."""
    for ref in hcl.references(pred):
        if ref.root == "terraform" and ref.steps[:1] == ("workspace",):
            return True
    stack = [pred]
    while stack:
        e = stack.pop()
        if isinstance(e, hcl.Binary):
            sides = (e.left, e.right)
            literal = any(isinstance(s, hcl.Lit) and isinstance(s.value, str) and s.value for s in sides)
            if e.op in ("==", "!=") and literal and any(isinstance(s, hcl.Ref) for s in sides):
                return True
            stack.extend((e.left, e.right))
        elif isinstance(e, hcl.Unary):
            stack.append(e.operand)
        elif isinstance(e, hcl.Call):
            stack.extend(e.args)
    return False


def _cond(expr: hcl.Cond, scope: Scope, depth: int) -> Any:
    pred_text = hcl.render(expr.pred)
    if not selects_environment(expr.pred):
        decided = as_bool(_eval(expr.pred, scope, depth))
        if decided is not None:
            return _eval(expr.yes if decided else expr.no, scope, depth)
    yes = _eval(expr.yes, scope, depth)
    no = _eval(expr.no, scope, depth)
    if _same(yes, no):
        return yes
    return Choice(pred_text, yes, no)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _binary(expr: hcl.Binary, scope: Scope, depth: int) -> Any:
    left = _eval(expr.left, scope, depth)
    right = _eval(expr.right, scope, depth)
    op = expr.op
    unknown = Unknown(hcl.render(expr))
    if op in ("&&", "||"):
        lb, rb = as_bool(left), as_bool(right)
        if op == "&&":
            if lb is False or rb is False:
                return False
            return True if lb and rb else unknown
        if lb is True or rb is True:
            return True
        return False if lb is False and rb is False else unknown
    if op in ("==", "!=") and selects_environment(expr):
        # `enabled = var.env == "production"`: true in one deployment, false in others; both
        # stay in play, like a conditional on the environment.
        return Choice(hcl.render(expr), True, False)
    if not (is_known(left) and is_known(right)):
        return unknown
    if op in ("==", "!="):
        equal = _equal(left, right)
        return equal if op == "==" else not equal
    ln, rn = as_number(left), as_number(right)
    if ln is None or rn is None:
        return unknown
    if op in _COMPARE:
        return _COMPARE[op](ln, rn)
    try:
        if op == "+":
            return _num(ln + rn)
        if op == "-":
            return _num(ln - rn)
        if op == "*":
            return _num(ln * rn)
        if op == "/":
            return _num(ln / rn)
        if op == "%":
            return _num(ln % rn)
    except (ZeroDivisionError, OverflowError):
        return unknown
    return unknown


def _equal(a: Any, b: Any) -> bool:
    """Terraform's ``==``: values of different types are unequal (Terraform docs, "Equality
    Operators"); numbers compare by value (1 == 1.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    return bool(a == b)


def _num(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


# -- functions --------------------------------------------------------------------------------------


def _call(expr: hcl.Call, scope: Scope, depth: int) -> Any:
    name = expr.name
    unknown = Unknown(hcl.render(expr))
    if name in ("try", "coalesce") and not expr.expand:
        return _try_or_coalesce(expr, scope, depth, unknown)
    if name == "can":
        value = _eval(expr.args[0], scope, depth) if expr.args else unknown
        return True if is_known(value) else unknown
    args = [_eval(a, scope, depth) for a in expr.args]
    if expr.expand:
        if not args or not isinstance(args[-1], list):
            return unknown
        args = args[:-1] + list(args[-1])
    fn = FUNCTIONS.get(name)
    if fn is None:
        return unknown
    if not all(is_known(a) for a in args) and name not in _TOLERANT:
        return unknown
    try:
        result = fn(args)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError):
        return unknown
    if isinstance(result, (list, dict, str)) and len(result) > MAX_ITEMS:
        return unknown
    return unknown if result is _FAIL else result


def _try_or_coalesce(expr: hcl.Call, scope: Scope, depth: int, unknown: Unknown) -> Any:
    for arg in expr.args:
        value = _eval(arg, scope, depth)
        if expr.name == "coalesce" and (value is None or value == ""):
            continue
        if not is_known(value):
            return unknown
        return value
    return unknown


_FAIL = object()


def _lookup(args: list[Any]) -> Any:
    m, key = args[0], args[1]
    if isinstance(m, dict) and isinstance(key, str):
        if key in m:
            return m[key]
        if len(args) > 2:
            return args[2]
    return _FAIL


def _merge(args: list[Any]) -> Any:
    out: dict[str, Any] = {}
    for a in args:
        if a is None:
            continue
        if not isinstance(a, dict):
            return _FAIL
        out.update(a)
    return out


def _concat(args: list[Any]) -> Any:
    out: list[Any] = []
    for a in args:
        if not isinstance(a, list):
            return _FAIL
        out.extend(a)
    return out


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for v in value:
        if isinstance(v, list):
            out.extend(_flatten(v))
        else:
            out.append(v)
    return out


def _distinct(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _map(args: list[Any]) -> Any:
    """0.11's ``map("k", v, …)``."""
    if len(args) % 2:
        return _FAIL
    return {str(args[i]): args[i + 1] for i in range(0, len(args), 2)}


def _element(args: list[Any]) -> Any:
    seq, idx = args[0], as_number(args[1])
    if not isinstance(seq, list) or not seq or not isinstance(idx, int):
        return _FAIL
    return seq[idx % len(seq)]


def _format(args: list[Any]) -> Any:
    fmt = args[0]
    if not isinstance(fmt, str):
        return _FAIL
    values = [as_str(a) if not isinstance(a, (int, float)) or isinstance(a, bool) else a for a in args[1:]]
    if any(v is None for v in values):
        return _FAIL
    text = fmt.replace("%%", "\x00")
    out = text
    for v in values:
        for spec in ("%s", "%d", "%v", "%q"):
            if spec in out:
                shown = f'"{v}"' if spec == "%q" else str(v)
                out = out.replace(spec, shown, 1)
                break
    return out.replace("\x00", "%")


def _tobool(args: list[Any]) -> Any:
    value = args[0]
    if value is None:
        return None
    b = as_bool(value)
    return _FAIL if b is None or (isinstance(value, (int, float)) and not isinstance(value, bool)) else b


def _tonumber(args: list[Any]) -> Any:
    value = args[0]
    if value is None:
        return None
    n = as_number(value)
    return _FAIL if n is None else n


def _tostring(args: list[Any]) -> Any:
    value = args[0]
    if value is None:
        return None
    s = as_str(value)
    return _FAIL if s is None else s


def _jsonencode(args: list[Any]) -> Any:
    # Canonical form (sorted keys): a policy moved from a heredoc to jsonencode() compares by
    # content in the rules, which parse the JSON again. Unknown parts (another resource's ARN)
    # are written as their "${expression}", so the rest of the document stays readable.
    return json.dumps(_placeholders(args[0]), sort_keys=True, separators=(",", ":"))


def _placeholders(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v) for v in value]
    if isinstance(value, (Unknown, Choice)):
        return f"${{{value}}}"
    return value


def _jsondecode(args: list[Any]) -> Any:
    if not isinstance(args[0], str):
        return _FAIL
    return json.loads(args[0])


def _contains(args: list[Any]) -> Any:
    if not isinstance(args[0], list):
        return _FAIL
    return args[1] in args[0]


def _length(args: list[Any]) -> Any:
    v = args[0]
    if isinstance(v, (list, dict, str)):
        return len(v)
    return _FAIL


def _keys(args: list[Any]) -> Any:
    return sorted(args[0].keys()) if isinstance(args[0], dict) else _FAIL


def _values(args: list[Any]) -> Any:
    return [args[0][k] for k in sorted(args[0])] if isinstance(args[0], dict) else _FAIL


def _minmax(fn: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    def inner(args: list[Any]) -> Any:
        nums = [as_number(a) for a in args]
        if not nums or any(n is None for n in nums):
            return _FAIL
        return fn(nums)

    return inner


def _join(args: list[Any]) -> Any:
    sep, seq = args[0], args[1] if len(args) > 1 else None
    if not isinstance(sep, str) or not isinstance(seq, list):
        return _FAIL
    parts = [as_str(v) for v in _flatten(list(args[1:]))]
    if any(p is None for p in parts):
        return _FAIL
    return sep.join(p for p in parts if p is not None)


def _str1(fn: Callable[[str], Any]) -> Callable[[list[Any]], Any]:
    def inner(args: list[Any]) -> Any:
        return fn(args[0]) if isinstance(args[0], str) else _FAIL

    return inner


FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "tolist": lambda a: list(a[0]) if isinstance(a[0], list) else _FAIL,
    "toset": lambda a: sorted(_distinct(a[0]), key=repr) if isinstance(a[0], list) else _FAIL,
    "tomap": lambda a: dict(a[0]) if isinstance(a[0], dict) else _FAIL,
    "list": list,
    "map": _map,
    "merge": _merge,
    "concat": _concat,
    "lookup": _lookup,
    "coalescelist": lambda a: next((x for x in a if isinstance(x, list) and x), _FAIL),
    "element": _element,
    "length": _length,
    "keys": _keys,
    "values": _values,
    "contains": _contains,
    "distinct": lambda a: _distinct(a[0]) if isinstance(a[0], list) else _FAIL,
    "flatten": lambda a: _flatten(a[0]) if isinstance(a[0], list) else _FAIL,
    "compact": lambda a: [x for x in a[0] if x not in ("", None)] if isinstance(a[0], list) else _FAIL,
    "join": _join,
    "split": lambda a: a[1].split(a[0]) if isinstance(a[0], str) and isinstance(a[1], str) else _FAIL,
    "format": _format,
    "lower": _str1(str.lower),
    "upper": _str1(str.upper),
    "trimspace": _str1(str.strip),
    "title": _str1(str.title),
    "replace": lambda a: a[0].replace(a[1], a[2]) if all(isinstance(x, str) for x in a[:3]) else _FAIL,
    "startswith": lambda a: a[0].startswith(a[1]) if isinstance(a[0], str) and isinstance(a[1], str) else _FAIL,
    "endswith": lambda a: a[0].endswith(a[1]) if isinstance(a[0], str) and isinstance(a[1], str) else _FAIL,
    "min": _minmax(min),
    "max": _minmax(max),
    "abs": lambda a: abs(as_number(a[0]) or 0) if as_number(a[0]) is not None else _FAIL,
    "tobool": _tobool,
    "tonumber": _tonumber,
    "tostring": _tostring,
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
}
#: Functions whose arguments may be partly unknown (besides try/coalesce/can).
_TOLERANT: frozenset[str] = frozenset({"jsonencode"})
