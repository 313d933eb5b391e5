"""Comments of source files, as the source-code suppression scan reads them: strings are no
comments, block comments keep their line numbers, and untokenizable Python still yields its
comments."""

from __future__ import annotations

from regress.kinds.gates.comments import Comment, Language, comments
from regress.kinds.gates.inline import Tool
from regress.kinds.gates.source_code import scan


def test_python_comments_skip_strings_and_keep_the_code_before_them() -> None:
    text = 's = "# nosec"\nrun(s)  # nosec B602\n"""\n# not a comment\n"""\n'
    assert comments(text, Language.PYTHON) == [Comment(2, " nosec B602", False, "run(s)")]


def test_untokenizable_python_falls_back_to_line_comments() -> None:
    text = "def f(:\n    x = 1  # nosec\n"
    assert comments(text, Language.PYTHON) == [Comment(2, " nosec", False, "x = 1")]


def test_c_family_comments_skip_strings_and_count_lines_through_blocks() -> None:
    text = 'a := "// no"\n/* one\n two */\nb := `raw\n// no`\nc() // yes\n'
    assert comments(text, Language.GO) == [
        Comment(2, " one\n two ", True, ""),
        Comment(6, " yes", False, "c()"),
    ]


def test_java_has_no_backtick_strings() -> None:
    text = "char c = '`'; // NOSONAR\nint x = 1;\n"
    assert comments(text, Language.JVM) == [Comment(1, " NOSONAR", False, "char c = '`';")]


def test_scan_names_tool_check_and_what_the_marker_sits_on() -> None:
    go = "package p\n\n// #nosec G101 G102 -- fixtures\nvar k = key()\n"
    found = [(m.tool, m.check, m.line, m.anchor) for m in scan("p.go", go, Language.GO)]
    assert found == [
        (Tool.GOSEC, "G101", 3, "`var k = key()`"),
        (Tool.GOSEC, "G102", 3, "`var k = key()`"),
    ]


def test_only_security_codes_and_security_plugin_rules_count() -> None:
    py = "x = 1  # noqa: E501, S311, SIM115\n"
    js = "/* eslint-disable no-eval, security/detect-eval-with-expression */\n"
    assert [(m.tool, m.check) for m in scan("a.py", py, Language.PYTHON)] == [(Tool.RUFF, "S311")]
    assert [(m.tool, m.check, m.anchor) for m in scan("a.js", js, Language.JAVASCRIPT)] == [
        (Tool.ESLINT, "security/detect-eval-with-expression", "(file)")
    ]
