"""What a CI command starts once interpreters and the make variable are seen through."""

from __future__ import annotations

import pytest

from regress.kinds.ci.classify import TEST, classify_command, unwrap
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
