"""The Python statement a comment's line belongs to, for the suppression comments that are matched
against the lines of a statement rather than the line they sit on.

bandit collects its ``# nosec`` comments by line (``manager._parse_file`` tokenizes the file) and
skips an issue when a ``nosec`` line lies within the line range of the AST node the test looked
at (``utils.get_nosec`` walks ``context["linerange"]``, which ``utils.linerange`` takes from the
node's ``lineno`` to its ``end_lineno``). So a ``# nosec`` on a line of its own silences:

- the statement it sits inside, when that statement spans several lines (a call whose arguments
  run over lines, with the comment between them);
- the checks bandit runs on a whole function or ``except`` clause, whose line range covers its
  body: ``hardcoded_password_default`` (B107) on a ``def``, ``try_except_pass`` (B110) and
  ``try_except_continue`` (B112) on an ``except`` (bandit's plugin docs list each check's node);
- nothing otherwise: between two statements it lies in no tested node's range (bandit logs it as
  unused, ``tester.run_tests``).

A trailing comment on the closing line of a multi-line statement belongs to the statement, whose
first line names it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

#: The checks bandit runs on a whole function or ``except`` clause, by ID and by name (a ``nosec``
#: may name either: bandit's ``_parse_nosec_comment`` maps names to IDs).
_WHOLE_NODE: dict[type[ast.AST], frozenset[str]] = {
    ast.FunctionDef: frozenset({"B107", "hardcoded_password_default"}),
    ast.AsyncFunctionDef: frozenset({"B107", "hardcoded_password_default"}),
    ast.ExceptHandler: frozenset({"B110", "B112", "try_except_pass", "try_except_continue"}),
}


#: The fields of a compound statement that hold statements rather than its header.
_BODIES = frozenset({"body", "orelse", "handlers", "finalbody", "cases", "decorator_list"})


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Whole:
    start: int
    end: int
    checks: frozenset[str]


class PythonStatements:
    """Line ranges of the statements of one Python file; parsed on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._parsed = False
        self._spans: list[_Span] = []
        self._wholes: list[_Whole] = []
        self.ok = False

    def _parse(self) -> None:
        if self._parsed:
            return
        self._parsed = True
        try:
            tree = ast.parse(self.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            # Not Python this interpreter parses (Python 2, a template): callers keep their
            # line-based reading, which errs towards reporting.
            return
        self.ok = True
        for node in ast.walk(tree):
            checks = _WHOLE_NODE.get(type(node))
            if checks is not None:
                end = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
                self._wholes.append(_Whole(node.lineno, end, checks))  # type: ignore[attr-defined]
            if not isinstance(node, ast.stmt | ast.ExceptHandler):
                continue
            end = node.end_lineno or node.lineno
            if isinstance(getattr(node, "body", None), list):
                # A compound statement: its header ends with the last line of its own parts (the
                # arguments, the condition), as bandit's ``linerange`` strips the bodies.
                end = max(
                    [node.lineno]
                    + [
                        getattr(child, "end_lineno", None) or node.lineno
                        for name, value in ast.iter_fields(node)
                        if name not in _BODIES
                        for child in (value if isinstance(value, list) else [value])
                        if isinstance(child, ast.AST)
                    ]
                )
            self._spans.append(_Span(node.lineno, end))

    def parsed(self) -> bool:
        self._parse()
        return self.ok

    def start(self, line: int) -> int | None:
        """The first line of the innermost statement (or compound statement header) spanning
        ``line``; None between statements."""
        self._parse()
        inside = [s for s in self._spans if s.start <= line <= s.end]
        if not inside:
            return None
        return max(inside, key=lambda s: (s.start, -s.end)).start

    def whole_node(self, line: int, check: str) -> int | None:
        """The first line of the innermost function or ``except`` clause spanning ``line`` whose
        whole-node checks a ``nosec`` for ``check`` (``*``: every check) would silence."""
        self._parse()
        inside = [w for w in self._wholes if w.start <= line <= w.end and (check == "*" or check in w.checks)]
        if not inside:
            return None
        return max(inside, key=lambda w: w.start).start
