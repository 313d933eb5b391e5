"""What a CI command starts once interpreters and the make variable are seen through, and the
folder each test command of a script starts in."""

from __future__ import annotations

import pytest

from regress.kinds.ci.classify import TEST, classify_command, unwrap
from regress.kinds.ci.commands import located_test_commands, scope_path
from regress.kinds.ci.shell import split


def _unwrap(line: str) -> tuple[str, ...]:
    return unwrap(split(line)[0].argv)


@pytest.mark.parametrize(
    ("line", "started"),
    [
        ("php ./phpunit --testsuite unit", ("./phpunit", "--testsuite", "unit")),
        ("php -d memory_limit=-1 -n -c ci/php.ini vendor/bin/phpunit", ("vendor/bin/phpunit",)),
        ("php -f vendor/bin/phpunit -- --filter Foo", ("vendor/bin/phpunit", "--", "--filter", "Foo")),
        ("php8.3 artisan test", ("artisan", "test")),
        ("ruby -Ilib -r ./test/setup bin/rails test", ("bin/rails", "test")),
        ("node --require ts-node/register node_modules/.bin/mocha", ("node_modules/.bin/mocha",)),
        ("bash -eo pipefail ./scripts/test.sh --fast", ("./scripts/test.sh", "--fast")),
        ("sh -x scripts/test.sh", ("scripts/test.sh",)),
        ("python -X dev -W error -m pytest -x", ("pytest", "-x")),
        ("python3.12 tests/runtests.py", ("runtests.py",)),
        ("${MAKE} check", ("make", "check")),
        ("$MAKE -j4 check", ("make", "-j4", "check")),
        ("${MAKE:-make} check", ("make", "check")),
    ],
)
def test_interpreters_and_make_variable_start_what_they_name(line: str, started: tuple[str, ...]) -> None:
    assert _unwrap(line) == started


@pytest.mark.parametrize(
    "line",
    [
        "php -l ./phpunit",  # syntax check only
        "php -r 'echo 1;'",
        "ruby -c bin/rails",
        "ruby -e 'puts 1'",
        "node --check node_modules/.bin/jest",
        "node -e 'require(1)'",
        "node --test",  # node's own runner: the command itself
        "bash -n scripts/test.sh",  # reads without executing
        "bash -c 'pytest'",
        "sh -ec 'pytest'",
        "python -c 'import pytest'",
    ],
)
def test_interpreters_that_run_no_script_from_the_line_stay_as_written(line: str) -> None:
    assert _unwrap(line) == tuple(split(line)[0].argv)


@pytest.mark.parametrize("line", ["$RUNNER check", "${BUILD} test", "$MAKEFLAGS check", "${MAKE_CMD} check"])
def test_other_variables_in_command_position_stay_unknown(line: str) -> None:
    assert classify_command(split(line)[0].argv) == frozenset()


def test_make_variable_with_a_test_goal_is_a_test_command() -> None:
    assert classify_command(split("${MAKE} -j4 check")[0].argv) == frozenset({TEST})


def test_test_commands_start_where_cd_pushd_and_popd_leave_them() -> None:
    script = "\n".join(
        [
            "pytest a.py",
            "cd test/cli",
            "pytest b.py",
            "pushd ../unit",
            "pytest c.py",
            "popd",
            "pytest d.py",
            'cd "$HOME/x"',
            "pytest e.py",
        ]
    )
    found = [(cwd, cmd.scope) for cwd, cmd in located_test_commands(script, start="src")]
    assert found == [
        ("src", ("a.py",)),
        ("src/test/cli", ("b.py",)),
        ("src/test/unit", ("c.py",)),
        ("src/test/cli", ("d.py",)),
        (None, ("e.py",)),
    ]


def test_scripts_run_by_sh_and_su_are_read_in_place_and_their_cd_ends_with_them() -> None:
    script = "\n".join(
        [
            "sh -c 'cd unit && pytest a.py'",
            "su app -c 'go test ./...'",
            'bash -lc "pushd int; pytest b.py"',
            "pytest c.py",
        ]
    )
    found = [(cwd, cmd.words) for cwd, cmd in located_test_commands(script, start="src")]
    assert found == [
        ("src/unit", ("pytest", "a.py")),
        ("src", ("go", "test", "./...")),
        ("src/int", ("pytest", "b.py")),
        ("src", ("pytest", "c.py")),
    ]


def test_cd_outside_the_checkout_is_unknown() -> None:
    found = [cwd for cwd, _ in located_test_commands("cd ../..\npytest", start="a")]
    assert found == [None]


@pytest.mark.parametrize(
    ("word", "packages", "path"),
    [
        ("tests/test_a.py::TestA::test_b", False, "tests/test_a.py"),
        ("./tests/", False, "tests"),
        (".", False, ""),
        ("tests/test_*.py", False, None),
        ("$SUITE", False, None),
        ("../other", False, None),
        ("./pkg/...", True, "pkg"),
        ("./...", True, ""),
        ("github.com/org/repo/pkg", True, None),
    ],
)
def test_scope_words_name_a_path_only_when_they_name_one(word: str, packages: bool, path: str | None) -> None:
    assert scope_path(word, packages) == path
