"""Failure propagation in run: scripts, per effective shell (CATALOGUE.md Signals S7)."""

from __future__ import annotations

import pytest

from regress.kinds.ci.shell import redact, shell_options, shown, split, swallowed
from regress.kinds.github.handler import effective_shell


def _why(script: str, template: str, word: str = "pytest") -> str | None:
    cmds = split(script)
    index = next(i for i, c in enumerate(cmds) if c.argv[:1] == (word,))
    errexit, pipefail = shell_options(template)
    return swallowed(cmds, index, errexit, pipefail)


BASH_E = "bash -e {0}"  # GitHub's unspecified shell on Linux and macOS
BASH = "bash --noprofile --norc -eo pipefail {0}"  # shell: bash


@pytest.mark.parametrize(
    "script",
    [
        "pytest || true",
        "pytest || :",
        "pytest || echo failed",
        "set +e\npytest\necho done",
        "if ! pytest; then\n  echo failed\nfi",
        "! pytest",
        "pytest &",
    ],
)
def test_swallowed_under_every_shell(script: str) -> None:
    assert _why(script, BASH) is not None
    assert _why(script, BASH_E) is not None


@pytest.mark.parametrize(
    "script",
    [
        "pytest",
        "pytest || exit 1",
        "pytest; exit 0",  # -e exits at pytest before exit 0 runs
        "if ! pytest; then\n  echo failed\n  exit 1\nfi",
        "set -e\npytest\necho done",
        "cd src && pytest",
    ],
)
def test_propagates_under_errexit(script: str) -> None:
    assert _why(script, BASH_E) is None


def test_pipes_need_pipefail() -> None:
    assert _why("pytest | tee log", BASH) is None
    assert _why("pytest | tee log", BASH_E) is not None
    assert _why("set -o pipefail\npytest | tee log", BASH_E) is None


def test_without_errexit_only_the_last_command_counts() -> None:
    assert _why("pytest\necho done", "bash {0}") is not None
    assert _why("echo start\npytest", "bash {0}") is None


def test_effective_shells() -> None:
    assert effective_shell(None, windows=False) == BASH_E
    assert effective_shell("bash", windows=False) == BASH
    assert effective_shell("sh", windows=False) == "sh -e {0}"
    assert shell_options(effective_shell(None, windows=True)) == (False, False)
    assert shell_options("bash {0}") == (False, False)


def test_shown_writes_expressions_back_for_the_reader() -> None:
    words = ["tox", "-e", redact("${{ matrix.task }}"), "--", "tests/a b"]
    assert shown(words) == "tox -e ${{ … }} -- 'tests/a b'"


def test_case_patterns_and_subshell_parentheses_are_not_part_of_commands() -> None:
    script = "\n".join(
        [
            'case "$1" in',
            "  unit) ./test ;;",
            "  lint)",
            "    golangci-lint run ;;",
            "  *) echo no ;;",
            "esac",
            "(cd build && make check)",
            "echo $(git rev-parse HEAD)",
            "(( i++ ))",
        ]
    )
    assert [c.argv for c in split(script)] == [
        ("case", "$1", "in"),
        ("./test",),
        ("golangci-lint", "run"),
        ("echo", "no"),
        ("esac",),
        ("cd", "build"),
        ("make", "check"),
        ("echo", "SUBST"),
        ("((", "i++", "))"),
    ]
