"""The command index (`regress.kinds.ci.classify.CommandIndex`) only narrows which patterns are
checked: for any command it must find exactly what checking every pattern finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from regress.kinds.ci.classify import DEFAULT_PATTERNS, CommandIndex, command_matches

_PARTS = ["test", "tests", "check", ":", "-", "_", ".sh", "./", "/", "scripts", "run", "pytest", "unit", "x"]
_WORDS = st.lists(st.sampled_from(_PARTS), min_size=1, max_size=5).map("".join)


def _brute(argv: tuple[str, ...], commands: dict[str, tuple[str, ...]]) -> set[tuple[str, str]]:
    return {(cls, p) for cls, pats in commands.items() for p in pats if command_matches(argv, p)}


def _indexed(argv: tuple[str, ...], index: CommandIndex) -> set[tuple[str, str]]:
    return {(cls, p) for cls, p in index.candidates(argv[0]) if command_matches(argv, p)}


@given(st.lists(_WORDS, min_size=1, max_size=3).map(tuple))
def test_index_finds_what_every_pattern_finds(argv: tuple[str, ...]) -> None:
    commands = {k: tuple(v) for k, v in DEFAULT_PATTERNS.commands.items()}
    assert _indexed(argv, DEFAULT_PATTERNS.command_index) == _brute(argv, commands)


def test_wildcard_patterns_are_skipped_only_when_no_first_word_can_match() -> None:
    index = DEFAULT_PATTERNS.command_index
    assert not any("*" in p for _cls, p in index.candidates("pytest"))
    assert ("test", "test-*.sh") in index.candidates("./scripts/test-unit.sh")
    assert ("test", "*:test") in index.candidates("cov:test")


def test_an_empty_pattern_still_matches_every_command() -> None:
    index = CommandIndex.build({"custom": ["", "lint-*"]})
    assert _indexed(("anything", "at", "all"), index) == {("custom", "")}
