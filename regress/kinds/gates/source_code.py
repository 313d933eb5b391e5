"""Security suppressions in source code: comments that switch a security check off for the code
beside them; and, in test files, the tests skipped in code (``test_skips.py``).

Only the changed source files of a pull request are read (Python, Go, JavaScript/TypeScript,
Java/Kotlin), one unit per file, and only their comments (``comments.py``). Rust files are read
for their tests only: none of the markers below is a Rust tool's (clippy is silenced with
``#[allow]`` attributes, not comments). The markers, as each
tool documents them:

- bandit: ``# nosec`` on the line it silences, optionally naming tests, ``# nosec B602, B607`` or
  by name (bandit docs, "Configuration: Exclusions" / "Suppressing findings");
- gosec: ``#nosec`` in a Go comment (``// #nosec``, ``/* #nosec G401 */``), optionally with rule
  IDs separated by spaces and a justification after ``--`` (gosec README, "Annotating code");
  golangci-lint's ``//nolint:gosec`` (golangci-lint docs, "False Positives: Nolint directive");
- SonarQube: ``NOSONAR`` in a comment silences every issue of its line (SonarQube docs,
  "Tracking in-line suppression comments"), so only one after code counts; read in every
  language here;
- ruff and flake8-bandit: ``# noqa: S602`` on a line, ``# ruff: noqa: S602`` for the file (ruff
  docs, "Error suppression"); only the ``S`` codes (flake8-bandit's security checks) count;
- ESLint: ``eslint-disable``, ``eslint-disable-line`` and ``eslint-disable-next-line`` comments
  naming rules, with a description after ``--`` (ESLint docs, "Disabling Rules"); only
  eslint-plugin-security's ``security/…`` rules count.

A bare ``# noqa``, ``//nolint`` or ``eslint-disable`` silences every lint rule: they are lint
suppressions, not reported here (the first two are counted, as check ``*``, only so that one
narrowed to a security code is seen as no new suppression). Markers are counted per (tool, check)
in the file (as ``inline.py`` does for IaC files), so moved or reformatted lines change nothing,
and each remembers the code it sits on. ``assert`` checks silenced in Python test files are not
counted (pytest is written with asserts). Vendored code (``vendor/``, ``node_modules/``,
``third_party/``) and minified bundles are not read.

In Python, the code a marker sits on follows each tool's matching (``python_statements.py``): a
``nosec`` or ``noqa`` on a line of its own between two statements silences nothing and is not
counted, one inside a multi-line statement names that statement. gosec and golangci-lint apply a
comment on a line of its own to the statement after it (gosec associates comments with nodes
through Go's ``ast.CommentMap``; golangci-lint's docs, "Nolint directive", show ``//nolint`` on
the line before a declaration covering all of it), so it names that statement.

On the head side, a Python file's ``nosec`` markers carry which bandit tests each side's bandit
invocations run (``bandit_config.py``), for the tests a scanner rollout newly enables.
"""

from __future__ import annotations

import bisect
import re

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.gates import bandit_config, invocations, test_skips
from regress.kinds.gates.bandit_config import BanditRollout
from regress.kinds.gates.comments import Comment, Language, blanked, comments, next_code
from regress.kinds.gates.inline import SOURCE_TYPE, InlineSuppressions, Marker, MarkerSourceMap, Tool
from regress.kinds.gates.model import FAMILY, RENAME_KEY
from regress.kinds.gates.python_statements import PythonStatements
from regress.model import ModelObject, Notice, NoticeKind, Origin, Side
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "source-code"
TYPE = SOURCE_TYPE
LANGUAGES: dict[str, Language] = {
    ".py": Language.PYTHON,
    ".go": Language.GO,
    ".js": Language.JAVASCRIPT,
    ".jsx": Language.JAVASCRIPT,
    ".ts": Language.JAVASCRIPT,
    ".tsx": Language.JAVASCRIPT,
    ".mjs": Language.JAVASCRIPT,
    ".cjs": Language.JAVASCRIPT,
    ".java": Language.JVM,
    ".kt": Language.JVM,
    ".rs": Language.RUST,
}
SUFFIXES = tuple(LANGUAGES)
_VENDORED = ("vendor/", "node_modules/", "third_party/")

_BANDIT = re.compile(r"#\s*nosec\b:?(?P<rest>[^#]*)")
_BANDIT_ID = re.compile(r"^(B\d{3}|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)$")
_GOSEC = re.compile(r"#nosec\b(?P<rest>.*)")
_NOLINT = re.compile(r"^\s*nolint:(?P<linters>[\w,-]+)")
_BARE_NOLINT = re.compile(r"^\s*nolint(?![:\w])")
_SONAR = re.compile(r"\bNOSONAR\b(?:\s*\((?P<ids>[^)]*)\))?")
_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_ANY_NOQA = re.compile(r"#\s*noqa\b(?:\s*:\s*[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"^\s*(?:ruff|flake8)\s*:\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)")
_SECURITY_CODE = re.compile(r"^S\d{3}$")
#: bandit B101 / ruff S101 report ``assert`` (stripped under ``python -O``); pytest tests are
#: written with asserts, and bandit's docs suggest skipping B101 for them, so silencing it in a
#: test file is no weakening.
_ASSERT_CHECKS = frozenset({"B101", "assert_used", "S101"})
_ESLINT = re.compile(r"^\s*eslint-disable(?P<scope>-next-line|-line)?\b(?P<rules>[^\n]*)")


class SourceSuppressionsHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        if not path.endswith(SUFFIXES) or path.endswith((".min.js", ".min.mjs")):
            return []
        if any(part in f"/{path}" for part in (f"/{v}" for v in _VENDORED)):
            return []
        return [Unit(KIND, path)]

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            text = ctx.text(path)
        except LoadError as exc:
            # Not text we can read (binary, an encoding we refuse, over the size limit): its
            # comments are unknown, which is no weakening of a configuration.
            result.notices.append(Notice(NoticeKind.SKIPPED, f"{path} not read for suppressions: {exc}", path))
            return result
        language = LANGUAGES[path[path.rindex(".") :]]
        if test_skips.is_test_file(path, language):
            tests = test_skips.read(path, text, language)
            if tests is not None:
                result.objects.append(
                    ModelObject(
                        family=FAMILY,
                        type=test_skips.TYPE,
                        key=("tests-in-code", path),
                        body=tests.body(),
                        origin=Origin(KIND, path, test_skips.TestsSourceMap(tests)),
                        label=f"tests in {path}",
                        facts=tests,
                    )
                )
        markers = [] if language is Language.RUST else scan(path, text, language)
        if markers:
            rollout = None
            if ctx.side is Side.HEAD and any(m.tool is Tool.BANDIT and m.check != "*" for m in markers):
                base = bandit_config.runs(ctx.other) if ctx.other is not None else None
                rollout = BanditRollout(base, bandit_config.runs(ctx.snapshot))
            new = invocations.introduced(ctx, {m.tool.value for m in markers})
            facts = InlineSuppressions(path, tuple(markers), rollout, new)
            result.objects.append(
                ModelObject(
                    family=FAMILY,
                    type=TYPE,
                    key=("source", path),
                    body={"suppressions": dict(sorted(facts.counts().items()))},
                    origin=Origin(KIND, path, MarkerSourceMap(tuple(markers), path)),
                    label=f"security suppressions in {path}",
                    facts=facts,
                    # A file moved to another folder and edited keeps its name: paired by it
                    # when the name is unique among the files that came and went.
                    extra={RENAME_KEY: ("source", path.rpartition("/")[2])},
                )
            )
        return result


def scan(path: str, text: str, language: Language) -> list[Marker]:
    """Every security suppression in the comments of one source file."""
    lines = text.splitlines()
    out: list[Marker] = []
    in_tests = _is_python_test(path)
    statements = _Statements(text, lines, language)
    python = PythonStatements(text) if language is Language.PYTHON else None
    for comment in comments(text, language):
        for tool, check, scope in _markers(comment, language):
            if in_tests and check in _ASSERT_CHECKS:
                continue
            if scope == "file":
                anchor = "(file)"
            else:
                if python is not None and python.parsed():
                    code = _python_target(python, lines, comment, tool, check)
                    if code is None:
                        continue  # silences nothing: no check of the tool reaches its line
                else:
                    code = statements.start(comment) if scope == "line" else ""
                code = code or next_code(lines, comment.line, language)
                if tool is Tool.GOLANGCI and re.match(r"package\s", code):
                    # A directive on the package clause covers the whole file (golangci-lint
                    # docs, "Nolint directive", show one above ``package`` excluding every issue
                    # of the file).
                    code = ""
                anchor = f"`{code[:60]}`" if code else "(file)"
            out.append(Marker(tool, check, path, comment.line, anchor))
    return out


def _python_target(python: PythonStatements, lines: list[str], comment: Comment, tool: Tool, check: str) -> str | None:
    """The code a line marker in a Python comment silences, or None when it silences nothing.

    bandit matches a ``nosec`` against the line range of the node it tested
    (``python_statements.py``); ruff and flake8 match a ``noqa`` against the line a diagnostic
    starts on (ruff docs, "Error suppression": the directive goes at the end of the line it
    applies to), so on a line of its own a ``noqa`` reaches only the statement it sits inside."""
    start = python.start(comment.line)
    if comment.code:
        if tool is Tool.BANDIT and start is not None and start != comment.line:
            # The closing line of a multi-line statement: bandit reads the whole statement.
            return lines[start - 1].strip()
        return comment.code
    if start is not None:
        return lines[start - 1].strip()
    if tool is Tool.BANDIT:
        whole = python.whole_node(comment.line, check)
        if whole is not None:
            return lines[whole - 1].strip()
    return None


#: Code that only closes what an earlier line opened (``}``, ``})``, a raw string's closing
#: backtick): a marker after it silences the statement that began there (gosec reads its marker
#: for the AST node it ends), so that statement's first line names it.
_ONLY_CLOSERS = re.compile(r"^[\s)\]}`'\",;]+$")
_OPENER = {")": "(", "]": "[", "}": "{"}
#: How far back the statement's start is looked for; past it the closing line names it.
_STATEMENT_REACH = 20_000


class _Statements:
    """The first line of the statement a trailing comment ends (C family only: Python's
    statements end at their line, and its strings are not blanked here)."""

    def __init__(self, text: str, lines: list[str], language: Language) -> None:
        self.text = text
        self.lines = lines
        self.language = language
        self._blank: str | None = None
        self._starts: list[int] | None = None

    def start(self, comment: Comment) -> str:
        code = comment.code
        if not code or self.language in (Language.PYTHON, Language.RUST) or not _ONLY_CLOSERS.match(code):
            return code
        if self._blank is None or self._starts is None:
            self._blank = blanked(self.text, self.language, strings=True)
            self._starts = [0]
            for line in self.lines:
                self._starts.append(self._starts[-1] + len(line) + 1)
        row = comment.line - 1
        if row >= len(self.lines):
            return code
        at = self._starts[row] + self.lines[row].find(code) + len(code)
        found = _opening(self._blank, at)
        if found is None:
            return code
        opened = self.lines[bisect.bisect_right(self._starts, found) - 1].strip()
        return opened if any(c.isalnum() for c in opened) else code


def _opening(blank: str, end: int) -> int | None:
    """The offset where the brackets and strings that close before ``end`` were opened, walking
    back over ``blank`` (comments and string contents blanked)."""
    pending: list[str] = []
    for i in range(end - 1, max(-1, end - 1 - _STATEMENT_REACH), -1):
        c = blank[i]
        if pending and pending[-1] in "`'\"":
            if c == pending[-1]:
                pending.pop()
        elif c in _OPENER.values():
            if not pending or _OPENER.get(pending[-1]) != c:
                return None
            pending.pop()
        elif c in _OPENER or c in "`'\"":
            pending.append(c)
        if not pending:
            return i
    return None


def _markers(comment: Comment, language: Language) -> list[tuple[Tool, str, str]]:
    """(tool, check, scope) for each marker of a comment; scope is ``line`` (the comment's line,
    or the next line of code when it stands alone), ``next`` or ``file``."""
    found: list[tuple[Tool, str, str]] = []
    if language is Language.PYTHON:
        found = _python(comment.text)
    elif language is Language.GO:
        found = _go(comment.text)
    elif language is Language.JAVASCRIPT:
        found = _eslint(comment.text)
    # NOSONAR silences the issues of the line it is on ("Issue suppression on a specific line",
    # SonarQube docs): on a line of its own it silences nothing (gofumpt documents the directive
    # in a comment), and a comment that names it twice is one marker.
    sonar = _SONAR.search(comment.text) if comment.code else None
    if sonar is not None:
        ids = [i.strip() for i in (sonar.group("ids") or "").split(",") if i.strip()]
        found.extend((Tool.SONAR, i, "line") for i in ids or ["*"])
    return found


def _python(text: str) -> list[tuple[Tool, str, str]]:
    found: list[tuple[Tool, str, str]] = []
    for m in _BANDIT.finditer("#" + text):
        ids = [w for w in re.split(r"[,\s]+", m.group("rest")) if _BANDIT_ID.match(w)]
        found.extend((Tool.BANDIT, i, "line") for i in ids or ["*"])
    whole = _FILE_NOQA.match(text)
    if whole is not None:
        found.extend((Tool.RUFF, c, "file") for c in _security_codes(whole.group("codes")))
        return found
    for m in _ANY_NOQA.finditer("#" + text):
        coded = _NOQA.match(m.group(0))
        if coded is None:
            # A noqa without codes silences every rule of its line, and so does one whose codes
            # follow without the colon (ruff and flake8 read no codes there, ruff warning of an
            # invalid directive): counted so that narrowing it to named codes is seen as no new
            # suppression, never reported itself.
            found.append((Tool.RUFF, "*", "line"))
        else:
            found.extend((Tool.RUFF, c, "line") for c in _security_codes(coded.group("codes")))
    return found


def _go(text: str) -> list[tuple[Tool, str, str]]:
    found: list[tuple[Tool, str, str]] = []
    for m in _GOSEC.finditer(text):
        ids = re.findall(r"\bG\d{3}\b", m.group("rest").split("--", 1)[0])
        found.extend((Tool.GOSEC, i, "line") for i in ids or ["*"])
    nolint = _NOLINT.match(text)
    if nolint is not None and "gosec" in nolint.group("linters").split(","):
        found.append((Tool.GOLANGCI, "gosec", "line"))
    elif _BARE_NOLINT.match(text) or (nolint is not None and "all" in nolint.group("linters").split(",")):
        # ``//nolint`` and ``//nolint:all`` silence every linter (golangci-lint docs, "Nolint
        # directive"): counted so that narrowing one to ``gosec`` is no new suppression, never
        # reported themselves.
        found.append((Tool.GOLANGCI, "*", "line"))
    return found


def _eslint(text: str) -> list[tuple[Tool, str, str]]:
    m = _ESLINT.match(text)
    if m is None:
        return []
    rules = [r.strip() for r in m.group("rules").split("--", 1)[0].split(",")]
    scope = {"-line": "line", "-next-line": "next"}.get(m.group("scope") or "", "file")
    return [(Tool.ESLINT, r, scope) for r in rules if r.startswith("security/")]


def _is_python_test(path: str) -> bool:
    folder, _, name = path.rpartition("/")
    parts = folder.split("/")
    return name.endswith(".py") and (
        name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or "tests" in parts
    )


def _security_codes(codes: str) -> list[str]:
    return [c.upper() for c in re.split(r"[\s,]+", codes) if _SECURITY_CODE.match(c.upper())]
