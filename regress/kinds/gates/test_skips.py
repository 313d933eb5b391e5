"""Tests skipped in the code of a test file (CATALOGUE.md X-03): which tests a file declares, and
which of them are switched off where they are declared.

Read from the changed test files only (the names each framework collects by default), one unit
with the file's security suppressions (``source_code.py``):

- Python (``test_*.py``, ``*_test.py``, files under ``tests/``), read with ``ast``: functions
  and methods named ``test…`` (methods of classes named ``Test…`` or deriving from a
  ``…TestCase``). Skipped: ``@pytest.mark.skip`` / ``@mark.skip`` / ``@unittest.skip(…)`` /
  ``@skip(…)`` on the test or its class, ``pytestmark`` holding ``pytest.mark.skip`` in the
  module or the class, ``pytest.mark.skipif(True, …)``, and a test whose first statement is
  ``pytest.skip(…)`` or ``self.skipTest(…)`` (pytest docs, "How to use skip and xfail";
  unittest docs, "Skipping tests and expected failures"). A condition (``skipif(sys.platform …)``)
  is a test that runs where it can: not counted. An unconditional ``@pytest.mark.xfail`` (on the
  test, its class or in ``pytestmark``) or ``@unittest.expectedFailure`` is a test that runs but
  whose failure fails nothing. Test classes nest (``Outer::Inner::test_x``).
- JavaScript/TypeScript (``*.test.*``, ``*.spec.*``, ``__tests__/``): ``it``/``test``/
  ``specify``/``describe``/``context`` calls with a literal name. Skipped: ``.skip``, ``x``-prefixed
  (``xit``, ``xdescribe``, ``xtest``), or inside a skipped ``describe`` (Jest, Mocha, Vitest
  docs). ``.only``/``fit``/``fdescribe`` focus a file: every other test of it stops running.
  ``test.failing`` (Jest) runs a test whose failure passes.
- Java/Kotlin (``…Test``, ``…Tests``, ``…IT`` files, or under ``src/test/``): methods annotated
  ``@Test`` (and JUnit 5's parameterized, repeated and template tests). Skipped: ``@Disabled``
  (JUnit 5) or ``@Ignore`` (JUnit 4) on the method or its class.
- Go (``*_test.go``): ``func TestX(t *testing.T)`` (and benchmarks, fuzz tests). Skipped: a
  ``t.Skip(…)``/``t.SkipNow()``/``t.Skipf(…)`` statement at the top level of the function body
  (gofmt's one-tab indentation); one inside an ``if`` is a condition.
- Rust (any ``.rs`` file whose text holds a test attribute: unit tests in ``#[cfg(test)]``
  modules, integration tests under ``tests/``, benches), lexed by ``rust_lexer.py``: functions
  carrying ``#[test]``, ``#[…::test]`` (``tokio::test``, ``async_std::test``), ``#[rstest]``,
  ``#[test_case(…)]`` or ``#[bench]`` at module level, known as ``module::path::function``.
  Skipped: ``#[ignore]``/``#[ignore = "reason"]`` (the Rust Reference, "Testing attributes"), a
  ``cfg_attr`` whose predicate always holds and applies ``ignore``, and a ``#[cfg(…)]`` that never
  holds on the test or around it (``#![cfg(…)]`` inside a module), which compiles it out. A
  ``cfg_attr`` that may hold (``cfg_attr(miri, ignore)``) is a condition.

A test is known by its name (within its class, ``describe`` blocks or modules), so moving it
inside the file or reformatting it changes nothing. What cannot be read (a syntax error) is
unknown, and compares as nothing.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from regress.kinds.gates import rust_lexer
from regress.kinds.gates.comments import Language, blanked
from regress.model import Route

TYPE = "tests-in-code"


@dataclass(frozen=True, slots=True)
class CodeTest:
    """One test a file declares: its name (``Class::method``, ``outer > inner > name``), line,
    and whether it is skipped where it is declared."""

    name: str
    line: int
    skipped: bool
    #: Runs, but its failure fails nothing (pytest ``xfail``, Jest ``test.failing``).
    expected_failure: bool = False
    #: The function's own name when ``name`` also holds the modules around it (Rust's
    #: ``tests::parses_empty``), so that a test moved between modules can be paired by it.
    function: str = ""

    @property
    def state(self) -> str:
        if self.skipped:
            return "skipped"
        return "expected to fail" if self.expected_failure else "runs"


@dataclass(frozen=True, slots=True)
class TestsInCode:
    """The tests of one file, and the lines of focused tests (``.only``) in it."""

    path: str
    tests: tuple[CodeTest, ...]
    focused: tuple[int, ...] = ()

    def body(self) -> dict[str, Any]:
        return {
            "tests": {t.name: t.state for t in self.tests},
            "focused": len(self.focused),
        }


@dataclass(frozen=True, slots=True)
class TestsSourceMap:
    """Route ``("tests", name)`` is the test's line, ``("focused",)`` the first focused test's."""

    facts: TestsInCode

    def locate(self, route: Route) -> tuple[str, int | None]:
        if len(route) == 2 and route[0] == "tests":
            for t in self.facts.tests:
                if t.name == route[1]:
                    return self.facts.path, t.line
        if route[:1] == ("focused",) and self.facts.focused:
            return self.facts.path, self.facts.focused[0]
        return self.facts.path, None


class _Lines:
    """1-based line of an offset, by bisection (a file may declare thousands of tests)."""

    def __init__(self, text: str) -> None:
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) + 1


def is_test_file(path: str, language: Language) -> bool:
    folder, _, name = path.rpartition("/")
    parts = f"/{folder}/"
    if language is Language.PYTHON:
        return name.startswith("test_") or name.endswith("_test.py") or "/tests/" in parts
    if language is Language.JAVASCRIPT:
        return ".test." in name or ".spec." in name or "/__tests__/" in parts
    if language is Language.JVM:
        stem = name.rpartition(".")[0]
        return stem.endswith(("Test", "Tests", "IT")) or "/src/test/" in parts
    if language is Language.RUST:
        # Any Rust file may declare tests (unit tests live beside the code, in ``#[cfg(test)]``
        # modules), and files under ``tests/`` or ``benches/`` declare them the same way: the
        # file's text decides (``_RS_HINT``), not its path.
        return True
    return name.endswith("_test.go")


def read(path: str, text: str, language: Language) -> TestsInCode | None:
    """The tests of a test file, or None when it declares none or cannot be read."""
    tests: list[CodeTest] | None
    focused: list[int] = []
    if language is Language.PYTHON:
        tests = _python(text)
    elif language is Language.JAVASCRIPT:
        tests, focused = _javascript(text)
    elif language is Language.JVM:
        tests = _jvm(text)
    elif language is Language.RUST:
        tests = _rust(text)
    else:
        tests = _go(text)
    if not tests:
        return None
    return TestsInCode(path, tuple(tests), tuple(focused))


# -- Python -----------------------------------------------------------------------------------

_PY_SKIP = re.compile(r"^(?:pytest\.mark\.|mark\.|unittest\.)?skip(?:\(.*\))?$", re.S)
_PY_SKIPIF_TRUE = re.compile(r"^(?:pytest\.mark\.|mark\.)skipif\(\s*True\b", re.S)


def _python(text: str) -> list[CodeTest] | None:
    try:
        tree = ast.parse(text)
        return _python_tests(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _python_tests(tree: ast.Module) -> list[CodeTest]:
    out: list[CodeTest] = []
    _collect(tree.body, "", _marks(tree.body, _is_skip), _marks(tree.body, _is_xfail), out)
    return out


def _collect(body: list[ast.stmt], prefix: str, skip: bool, xfail: bool, out: list[CodeTest]) -> None:
    """The tests of a module or class body; ``skip``/``xfail``: what the enclosing scopes mark.
    Test classes nest (pytest collects ``Test…`` classes inside ``Test…`` classes)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            out.append(
                CodeTest(
                    prefix + node.name,
                    node.lineno,
                    skip or _function_skipped(node),
                    xfail or any(_is_xfail(d) for d in node.decorator_list),
                )
            )
        elif isinstance(node, ast.ClassDef) and _is_test_class(node):
            _collect(
                node.body,
                f"{prefix}{node.name}::",
                skip or any(_is_skip(d) for d in node.decorator_list) or _marks(node.body, _is_skip),
                xfail or any(_is_xfail(d) for d in node.decorator_list) or _marks(node.body, _is_xfail),
                out,
            )


def _is_test_class(node: ast.ClassDef) -> bool:
    if node.name.startswith("Test"):
        return True
    return any(ast.unparse(b).endswith("TestCase") for b in node.bases)


def _is_skip(expr: ast.expr) -> bool:
    text = ast.unparse(expr)
    return bool(_PY_SKIP.match(text) or _PY_SKIPIF_TRUE.match(text))


def _is_xfail(expr: ast.expr) -> bool:
    """An unconditional ``xfail`` mark: bare, or called without a condition (``reason=``,
    ``raises=``, ``strict=`` only) or with the condition ``True``."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    name = ast.unparse(target)
    if name in ("unittest.expectedFailure", "expectedFailure"):
        return True
    if name not in ("pytest.mark.xfail", "mark.xfail"):
        return False
    if not isinstance(expr, ast.Call) or not expr.args:
        return True
    first = expr.args[0]
    return isinstance(first, ast.Constant) and first.value is True


def _marks(body: list[ast.stmt], test: Callable[[ast.expr], bool]) -> bool:
    """``pytestmark = <mark>`` (or a list holding it) among these statements, for a mark that
    ``test`` accepts."""
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets):
            value = stmt.value
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            if any(test(v) for v in items):
                return True
    return False


def _function_skipped(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if any(_is_skip(d) for d in node.decorator_list):
        return True
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call):
        called = ast.unparse(body[0].value.func)
        return called in ("pytest.skip", "self.skipTest")
    return False


# -- JavaScript / TypeScript ----------------------------------------------------------------

_JS_CALL = re.compile(
    r"(?<![\w.$])(?P<prefix>[xf]?)(?P<fn>it|test|specify|describe|context)(?P<mods>(?:\.[A-Za-z]+)*)\s*\(\s*"
    r"(?P<q>['\"`])(?P<name>(?:\\.|(?!(?P=q))[^\\])*)(?P=q)"
)
_JS_SUITES = ("describe", "context")


def _javascript(text: str) -> tuple[list[CodeTest], list[int]]:
    code = blanked(text, Language.JAVASCRIPT, strings=False)  # names are read from here
    shape = blanked(text, Language.JAVASCRIPT, strings=True)  # brackets are matched here
    suites: list[tuple[int, str, bool]] = []  # (end offset, own name, skipped) of enclosing describes
    tests: list[CodeTest] = []
    focused: list[int] = []
    lines = _Lines(text)
    for m in _JS_CALL.finditer(code):
        mods = m.group("mods").split(".")[1:]
        if "each" in mods or "todo" in mods:
            continue  # a table of tests, or a test without a body: no single named test here
        start = m.start()
        while suites and suites[-1][0] <= start:
            suites.pop()
        line = lines.of(start)
        skipped = m.group("prefix") == "x" or "skip" in mods or any(s[2] for s in suites)
        if m.group("prefix") == "f" or "only" in mods:
            focused.append(line)
        name = " > ".join([*(s[1] for s in suites), m.group("name")])
        if m.group("fn") in _JS_SUITES:
            open_at = shape.find("(", m.start("fn"))
            suites.append((_closing(shape, open_at), m.group("name"), skipped))
        else:
            tests.append(CodeTest(name, line, skipped, "failing" in mods))
    return tests, focused


_BRACKET = re.compile(r"[()\[\]{}]")


def _closing(shape: str, open_at: int) -> int:
    """The offset after the bracket that closes the one at ``open_at`` (strings and comments
    are blanked in ``shape``); the text's end when it is never closed."""
    depth = 0
    for m in _BRACKET.finditer(shape, open_at):
        if m.group() in "([{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return len(shape)


# -- Java / Kotlin -------------------------------------------------------------------------------

_JVM_TEST = re.compile(
    r"@(?:org\.junit(?:\.jupiter\.api)?\.)?(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b"
)
_JVM_DISABLED = re.compile(r"@(?:org\.junit(?:\.jupiter\.api)?\.)?(?:Disabled|Ignore)\b")
_JVM_METHOD = re.compile(r"(?:\bfun\s+(?P<kotlin>`[^`]+`|\w+)|(?P<java>\w+))\s*\(")
_JVM_ANNOTATION = re.compile(r"@[\w.]+")
_JVM_CLASS = re.compile(r"\bclass\s+(?P<name>\w+)")


def _jvm(text: str) -> list[CodeTest]:
    code = blanked(text, Language.JVM, strings=True)
    out: list[CodeTest] = []
    lines = _Lines(text)
    classes = [(c.start(), _annotated_disabled(code, c.start(), c.start())) for c in _JVM_CLASS.finditer(code)]
    class_starts = [c[0] for c in classes]
    for m in _JVM_TEST.finditer(code):
        name_match = _method_name(code, m.end())
        if name_match is None:
            continue
        # The nearest class declared before the test (a nested class's tests are its own).
        at = bisect.bisect_left(class_starts, m.start()) - 1
        skipped = _annotated_disabled(code, m.start(), name_match.start()) or (at >= 0 and classes[at][1])
        name = name_match.group("kotlin") or name_match.group("java")
        out.append(CodeTest(name.strip("`"), lines.of(name_match.start()), skipped))
    return out


def _method_name(code: str, start: int) -> re.Match[str] | None:
    """The method declared after the annotation ending at ``start``: skip further annotations
    (with arguments), modifiers and the return type, up to a name followed by ``(``."""
    i = start
    while True:
        while i < len(code) and code[i].isspace():
            i += 1
        if code.startswith("@", i):
            m = _JVM_ANNOTATION.match(code, i)
            i = m.end() if m else i + 1
            if code.startswith("(", i):
                i = _closing(code, i)
            continue
        if code.startswith("(", i):  # the test annotation's own arguments
            i = _closing(code, i)
            continue
        break
    found = _JVM_METHOD.search(code, i)
    while found is not None and found.group("java") in ("void", "public", "private", "protected", "static", "final"):
        found = _JVM_METHOD.search(code, found.end())
    return found


def _annotated_disabled(code: str, anchor: int, end: int) -> bool:
    """Whether ``@Disabled``/``@Ignore`` stands among the annotations of a declaration: from the
    end of the previous declaration or block before ``anchor`` (one of its annotations, or the
    declaration itself) to ``end`` (its name)."""
    head_start = max(code.rfind(c, 0, anchor) for c in ";{}") + 1
    return bool(_JVM_DISABLED.search(code[head_start:end]))


# -- Go ---------------------------------------------------------------------------------------------

_GO_FUNC = re.compile(r"^func\s+(?P<name>(?:Test|Benchmark|Fuzz)\w*)\s*\(\s*(?P<var>\w+)\s+\*testing\.[TBF]\s*\)", re.M)


def _go(text: str) -> list[CodeTest]:
    code = blanked(text, Language.GO, strings=True)
    out: list[CodeTest] = []
    lines = _Lines(text)
    for m in _GO_FUNC.finditer(code):
        end = code.find("\n}", m.end())
        body = code[m.end() : len(code) if end < 0 else end]
        skip = re.compile(rf"^\t{re.escape(m.group('var'))}\.Skip(?:Now|f)?\(", re.M)
        out.append(CodeTest(m.group("name"), lines.of(m.start()), bool(skip.search(body))))
    return out


# -- Rust ---------------------------------------------------------------------------------------

#: Whether a Rust file may declare tests at all: a test attribute somewhere in its text. Searched
#: before anything is lexed, so that a change to ordinary Rust code costs one regex scan.
_RS_HINT = re.compile(r"#\s*\[\s*(?:[\w:]*::)?(?:test|rstest|test_case|bench)\b")
#: What the walk over a file's items stops at (in its blanked code): an attribute (``#[…]``, an
#: inner ``#![…]``), a module with a body or without, a function, a bracketed group, the end of an
#: item or of a module.
_RS_ITEM = re.compile(
    r"#\s*(?P<inner>!)?\s*\[|\bmod\s+(?:r#)?(?P<mod>\w+)\s*(?P<body>[{;])|\bfn\s+(?:r#)?(?P<fn>\w+)"
    r"|(?P<open>[{(\[])|(?P<end>[;}])"
)
_RS_SIGNATURE_END = re.compile(r"[(\[{;]")
_RS_PATH = re.compile(r"(?:::)?(?:r#)?(?P<path>\w+(?:::(?:r#)?\w+)*)")
_SPACE = re.compile(r"\s+")
#: How deep ``cfg``/``cfg_attr`` predicates are evaluated; deeper is unknown.
_RS_CFG_DEPTH = 16


def _rust(text: str) -> list[CodeTest]:
    """The test functions of a Rust file, known by their module path within the file
    (``tests::parses_empty``). Tests are collected where libtest collects them: at module level,
    not inside function bodies, ``impl`` blocks or macro invocations."""
    if not _RS_HINT.search(text):
        return []
    code = rust_lexer.blanked(text)
    lines = _Lines(text)
    out: list[CodeTest] = []
    scopes: list[tuple[str, bool]] = [("", False)]  # (module name, compiled out) from the file down
    attrs: list[str] = []  # the outer attributes of the next item, without whitespace
    i = 0
    while (m := _RS_ITEM.search(code, i)) is not None:
        if m.group("open") is not None:
            i = _closing(code, m.start())
            if m.group() == "{":  # the body of a struct, impl, trait, macro invocation…
                attrs = []
        elif m.group("end") is not None:
            if m.group() == "}" and len(scopes) > 1:
                scopes.pop()
            attrs, i = [], m.end()
        elif m.group("fn") is not None:
            test = _rust_test(m.group("fn"), _rust_attributes(attrs), scopes)
            if test is not None:
                out.append(CodeTest(test[0], lines.of(m.start()), test[1], function=m.group("fn")))
            attrs, i = [], _rust_fn_end(code, m.end())
        elif m.group("mod") is not None:
            if m.group("body") == "{":
                off = scopes[-1][1] or _rust_compiled_out(_rust_attributes(attrs))
                scopes.append((m.group("mod"), off))
            attrs, i = [], m.end()
        else:
            close = _closing(code, m.end() - 1)
            attr = _SPACE.sub("", code[m.end() : close - 1 if code[close - 1 : close] == "]" else close])
            if m.group("inner") is None:
                attrs.append(attr)
            elif _rust_compiled_out(_rust_attributes([attr])):
                # ``#![cfg(…)]`` inside a module (or atop the file) applies to all of it.
                scopes[-1] = (scopes[-1][0], True)
            i = close
    return out


def _rust_test(function: str, attrs: list[tuple[str, str]], scopes: list[tuple[str, bool]]) -> tuple[str, bool] | None:
    """(name, skipped) of a function carrying these attributes, or None when it is no test:
    ``#[test]``, ``#[…::test]`` (tokio, async-std, test-log…), ``#[rstest]``, ``#[test_case(…)]``
    or a ``#[bench]`` (which libtest runs once as a test). ``#[ignore]`` skips it (the Rust
    Reference, "Testing attributes"); so does a ``cfg`` that is never true, which compiles it
    out."""
    if not any(path.rpartition("::")[2] in ("test", "rstest", "test_case") or path == "bench" for path, _ in attrs):
        return None
    skipped = scopes[-1][1] or _rust_compiled_out(attrs) or any(path == "ignore" for path, _ in attrs)
    return "::".join([*(s[0] for s in scopes[1:]), function]), skipped


def _rust_attributes(attrs: list[str]) -> list[tuple[str, str]]:
    """(path, arguments) of each attribute, with ``cfg_attr(predicate, attr…)`` replaced by its
    attributes when its predicate always holds, and dropped otherwise: a ``cfg_attr`` that may
    hold (``cfg_attr(miri, ignore)``) is a condition, and a condition is no skip."""
    out: list[tuple[str, str]] = []
    pending = [(a, 0) for a in reversed(attrs)]
    while pending:
        attr, depth = pending.pop()
        m = _RS_PATH.match(attr)
        if m is None:
            continue
        path, args = m.group("path").replace("r#", ""), attr[m.end() :]
        if path != "cfg_attr":
            out.append((path, args))
            continue
        parts = _rust_split(args[1:-1]) if args.startswith("(") and args.endswith(")") else []
        if len(parts) >= 2 and depth < _RS_CFG_DEPTH and _rust_cfg(parts[0], 0) is True:
            pending.extend((p, depth + 1) for p in reversed(parts[1:]))
    return out


def _rust_compiled_out(attrs: list[tuple[str, str]]) -> bool:
    """Whether a ``#[cfg(…)]`` among these attributes never holds."""
    return any(
        path == "cfg" and args.startswith("(") and args.endswith(")") and _rust_cfg(args[1:-1], 0) is False
        for path, args in attrs
    )


def _rust_cfg(predicate: str, depth: int) -> bool | None:
    """A configuration predicate (without whitespace) in three values: True when it holds in
    every test build, False when it never does, None when it depends on the build. The Rust
    Reference, "Conditional compilation": ``all()`` holds and ``any()`` does not; ``true`` and
    ``false`` are literals since Rust 1.88 (rust-lang/rust#138632); ``test`` is set in every
    test build. ``FALSE`` is no literal but a name nobody sets (``#[cfg(FALSE)]`` is the
    idiom rustc's own sources use to switch code off); every other option is unknown."""
    if depth > _RS_CFG_DEPTH:
        return None
    if predicate in ("true", "test"):
        return True
    if predicate in ("false", "FALSE"):
        return False
    op, _, rest = predicate.partition("(")
    if op not in ("all", "any", "not") or not rest.endswith(")"):
        return None
    values = [_rust_cfg(p, depth + 1) for p in _rust_split(rest[:-1])]
    if op == "not":
        return None if len(values) != 1 or values[0] is None else not values[0]
    if op == "all":
        return False if False in values else True if all(v is True for v in values) else None
    return True if True in values else False if all(v is False for v in values) else None


def _rust_split(args: str) -> list[str]:
    """Comma-separated arguments, split at the top level only; empty ones (a trailing comma)
    dropped."""
    parts: list[str] = []
    depth, start = 0, 0
    for m in re.finditer(r"[,()\[\]]", args):
        c = m.group()
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0:
            parts.append(args[start : m.start()])
            start = m.end()
    parts.append(args[start:])
    return [p for p in parts if p]


def _rust_fn_end(code: str, start: int) -> int:
    """The offset after a function's body (or its ``;``), from the end of its name: brackets in
    its signature (parameters, ``[u8; 4]``) are skipped, the first ``{`` outside them opens the
    body."""
    i = start
    while (m := _RS_SIGNATURE_END.search(code, i)) is not None:
        if m.group() == "{":
            return _closing(code, m.start())
        if m.group() == ";":
            return m.end()
        i = _closing(code, m.start())
    return len(code)
