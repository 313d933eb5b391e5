"""bandit's test selection read from where a tree invokes it, as bandit combines its sources."""

from __future__ import annotations

import pytest

from regress.kinds.gates.bandit_config import BanditSelection, Unknown, commands, runs, selection
from tests.memsnap import MemorySnapshot


def test_commands_finds_bandit_lines_and_leaves_other_mentions() -> None:
    tox = (
        "[tox]\nenvlist = py3,bandit\n[testenv:bandit]\ndeps = bandit\n"
        "commands =\n  flake8\n  - bandit -c bandit.yaml \\\n    -r app\n"
        "  poetry run python -m bandit -s B101 -r app && echo done\n"
    )
    assert list(commands(tox)) == [
        ["bandit", "-c", "bandit.yaml", "-r", "app"],
        ["bandit", "-s", "B101", "-r", "app"],
    ]


def test_configuration_file_and_command_line_add_up() -> None:
    snap = MemorySnapshot({"ci/bandit.yml": "tests: [B101, B602]\nskips: [B602]\n"})
    words = ["bandit", "-c", "ci/bandit.yml", "-t", "B301", "--skip=B101", "-x", "tests", "-r", "app"]
    assert selection(snap, words, "") == BanditSelection(
        frozenset({"B101", "B602", "B301"}), frozenset({"B602", "B101"})
    )


def test_ini_stands_in_for_the_command_line_only_where_it_is_silent() -> None:
    snap = MemorySnapshot({"app/.bandit": "[bandit]\ntests = B301,B403\nskips = B403\n"})
    assert selection(snap, ["bandit", "-r", "app"], "") == BanditSelection(
        frozenset({"B301", "B403"}), frozenset({"B403"})
    )
    assert selection(snap, ["bandit", "-t", "B602", "-r", "app"], "") == BanditSelection(
        frozenset({"B602"}), frozenset({"B403"})
    )


def test_toml_configuration_is_read_for_its_tool_bandit_table() -> None:
    snap = MemorySnapshot({"pyproject.toml": '[tool.black]\nline-length = 99\n[tool.bandit]\nskips = ["B101"]\n'})
    assert selection(snap, ["bandit", "-c", "pyproject.toml", "-r", "."], "") == BanditSelection(
        None, frozenset({"B101"})
    )


@pytest.mark.parametrize(
    "words",
    [
        ["bandit", "-c", "missing.yaml", "-r", "app"],
        ["bandit", "-p", "gate", "-r", "app"],
        ["bandit", "-s", "$SKIPS", "-r", "app"],
        ["bandit", "-c", "{env:CONF}", "-r", "app"],
    ],
)
def test_what_cannot_be_read_exactly_is_unknown(words: list[str]) -> None:
    with pytest.raises(Unknown):
        selection(MemorySnapshot({}), words, "")


def test_tox_posargs_default_is_a_target() -> None:
    snap = MemorySnapshot({"src/.bandit": "[bandit]\nskips = B101\n"})
    assert selection(snap, ["bandit", "-r", "{posargs:src}"], "") == BanditSelection(None, frozenset({"B101"}))


def test_runs_is_none_where_bandit_is_not_invoked_or_unreadable() -> None:
    assert runs(MemorySnapshot({"tox.ini": "[testenv]\ncommands = pytest\n"})) is None
    assert runs(MemorySnapshot({"Makefile": "scan:\n\tbandit -c conf.yaml -r app\n"})) is None
    found = runs(MemorySnapshot({"Makefile": "scan:\n\t@bandit -t B301 -r app\n"}))
    assert found is not None
    assert (found.runs("B301"), found.runs("B101")) == (True, False)
