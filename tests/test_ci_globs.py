"""Glob containment for test-file selection (`regress.kinds.ci.globs`) and the globs a script
lists (`regress.kinds.ci.commands.suite_globs`)."""

from __future__ import annotations

import pytest

from regress.kinds.ci.commands import SuiteGlob, suite_globs
from regress.kinds.ci.globs import covers, expand_braces, lost


@pytest.mark.parametrize(
    ("wide", "narrow", "expected"),
    [
        ("tests/**/*.py", "tests/unit/**/*.py", True),
        ("tests/unit/**/*.py", "tests/**/*.py", False),
        ("tests/**/*.py", "tests/**/*.py", True),
        ("./tests/**/*.py", "tests/**/*.py", True),
        ("**/*.py", "tests/**/*.py", True),
        ("tests/**/*", "tests/**/*.py", True),
        ("tests/**/*.py", "tests/*.py", True),
        # `*` stops at the separator, `**` does not.
        ("tests/*.py", "tests/**/*.py", False),
        ("tests/*/*/x.py", "tests/**/x.py", False),
        # `?` is one character: it does not cover a `*`.
        ("tests/?/x.py", "tests/*/x.py", False),
        ("tests/*/x.py", "tests/?/x.py", True),
        ("tests/**/test_*.py", "tests/**/*.py", False),
        ("{src,tests}/**/*.py", "tests/**/*.py", True),
        ("tests/**/*.py", "{src,tests}/**/*.py", False),
        ("tests/[ab]*/x", "tests/a*/x", True),
        ("tests/[ab]*/x", "tests/c*/x", False),
    ],
)
def test_covers(wide: str, narrow: str, expected: bool) -> None:
    assert covers(wide, narrow) is expected


def test_expand_braces_nested() -> None:
    assert expand_braces("{a,b{c,d}}/*.py") == ("a/*.py", "bc/*.py", "bd/*.py")
    assert expand_braces("no/braces") == ("no/braces",)
    assert expand_braces("{unclosed/*.py") == ("{unclosed/*.py",)


def test_lost_checks_each_pattern_against_all() -> None:
    assert lost(("a/**", "b/**"), ("a/**",)) == ("b/**",)
    assert lost(("tests/unit/**/*.py", "tests/int/**/*.py"), ("tests/**/*.py",)) == ()
    assert lost(("tests/{unit,int}/*.py",), ("tests/unit/*.py",)) == ("tests/{unit,int}/*.py",)


def test_test_globs_inside_substitutions_and_pipes() -> None:
    script = (
        'TESTFILES=$(circleci tests glob "tests/**/*.py" | circleci tests split --split-by=timings)\n'
        "pytest $TESTFILES\n"
        "circleci tests glob 'a/**' \"b/**\" | circleci tests run --command='xargs pytest'\n"
        "echo 'circleci tests glob \"$(circleci tests glob quoted/**)\"'\n"
    )
    assert suite_globs(script) == [
        SuiteGlob("circleci tests glob 'a/**' 'b/**'", ("a/**", "b/**")),
        SuiteGlob("circleci tests glob 'tests/**/*.py'", ("tests/**/*.py",)),
    ]
    assert suite_globs(None) == []


def test_test_glob_text_shows_expressions_as_written() -> None:
    # An expression the shell splitter replaced by a placeholder reads back as `${{ … }}`.
    assert suite_globs("circleci tests glob 'tests/${{ matrix.suite }}/**/*.py'") == [
        SuiteGlob("circleci tests glob 'tests/${{ … }}/**/*.py'", ("tests/GHEXPR/**/*.py",)),
    ]
