"""Test commands as comparable facts: the runner, its flags with their values, its scope
(positional paths and packages), and the coverage thresholds it enforces."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from regress.kinds.ci.classify import DEFAULT_PATTERNS, TEST, Patterns, classify_command, unwrap
from regress.kinds.ci.shell import split, substitutions
from regress.kinds.ci.signals import RUNNERS, RunnerFlags


@dataclass(frozen=True, slots=True)
class TestCommand:
    words: tuple[str, ...]  # unwrapped argv
    runner: RunnerFlags | None
    #: Runner words (``go test``, ``pytest``) used to pair base and head commands.
    key: str
    #: (flag, value or "") in order of appearance.
    flags: tuple[tuple[str, str], ...]
    #: Positional words that look like paths, packages or test ids.
    scope: tuple[str, ...]

    @property
    def text(self) -> str:
        return shlex.join(self.words)


def runner_for(words: tuple[str, ...]) -> tuple[RunnerFlags | None, int]:
    text = " ".join(words)
    best: tuple[RunnerFlags | None, int] = (None, 1)
    for runner in RUNNERS:
        for cmd in runner.commands:
            n = len(cmd.split())
            first = words[0].removeprefix("./") if words else ""
            hit = text == cmd or text.startswith(cmd + " ") or (n == 1 and first == cmd.removeprefix("./"))
            if hit and (best[0] is None or n > best[1]):
                best = (runner, n)
    return best


_PATHLIKE = re.compile(r"[/.]|^[A-Za-z0-9_-]+(::|\.py$)")


def parse(words: tuple[str, ...]) -> TestCommand:
    runner, n = runner_for(words)
    key = " ".join(words[:n])
    flags: list[tuple[str, str]] = []
    scope: list[str] = []
    rest = list(words[n:])
    i = 0
    while i < len(rest):
        w = rest[i]
        if w == "--":
            flags.extend((x, "") for x in rest[i + 1 :] if x.startswith("-"))
            break
        if w.startswith("-"):
            name, eq, value = w.partition("=")
            if not eq and i + 1 < len(rest) and not rest[i + 1].startswith("-") and _takes_value(name, runner):
                value = rest[i + 1]
                i += 1
            flags.append((name, value))
        elif _PATHLIKE.search(w):
            scope.append(w)
        i += 1
    return TestCommand(words, runner, key, tuple(flags), tuple(scope))


def _takes_value(flag: str, runner: RunnerFlags | None) -> bool:
    if runner is None:
        return False
    known = runner.narrowing + runner.no_run + runner.non_failing
    return any(k.split()[0] == flag and (len(k.split()) > 1 or flag in _VALUE_FLAGS) for k in known) or (
        flag in _VALUE_FLAGS
    )


#: Flags that take the next word as their value (S1 tables).
_VALUE_FLAGS = frozenset(
    {
        "-k",
        "-m",
        "--deselect",
        "--ignore",
        "--ignore-glob",
        "-p",
        "-run",
        "-skip",
        "-tags",
        "-t",
        "--testNamePattern",
        "--testPathIgnorePatterns",
        "--exclude",
        "--project",
        "--grep",
        "--filter",
        "--since",
        "--tests",
        "-x",
        "--exclude-task",
        "-E",
        "-LE",
        "-R",
        "--tag",
        "--exclude-group",
        "--group",
        "--testsuite",
        "-pl",
        "-e",
        "--skip-env",
    }
)


def test_commands(script: str | None, patterns: Patterns = DEFAULT_PATTERNS) -> list[TestCommand]:
    if not script:
        return []
    out = []
    for cmd in split(script):
        if TEST in classify_command(cmd.argv, patterns):
            out.append(parse(unwrap(cmd.argv)))
    return out


#: Commands that list the test files a run gets, by glob, before a runner or splitter receives them.
#: CircleCI's `circleci tests glob PATTERN…` (docs "Use the CircleCI CLI to split tests"): the
#: files it prints are the whole suite that `circleci tests split`/`run` then shares out among the
#: `parallelism` containers, so its patterns, not the container count, decide what is tested.
GLOB_COMMANDS: tuple[tuple[str, ...], ...] = (("circleci", "tests", "glob"),)


@dataclass(frozen=True, slots=True)
class SuiteGlob:
    """The file patterns one test-file-listing command selects."""

    text: str
    patterns: tuple[str, ...]


def suite_globs(script: str | None) -> list[SuiteGlob]:
    """Every test-file glob in ``script``, including those inside ``$(…)``."""
    if not script:
        return []
    out: list[SuiteGlob] = []
    for part in (script, *substitutions(script)):
        for cmd in split(part):
            for prefix in GLOB_COMMANDS:
                if cmd.argv[: len(prefix)] == prefix:
                    patterns = tuple(w for w in cmd.argv[len(prefix) :] if not w.startswith("-"))
                    if patterns:
                        out.append(SuiteGlob(shlex.join(cmd.argv), patterns))
    return out


def matches(flag: tuple[str, str], spec: str) -> bool:
    """A flag (name, value) matches a table entry: ``-k``, ``-p no:``, ``-x test``, ``-Dfoo=true``."""
    name, value = flag
    parts = spec.split(" ", 1)
    if len(parts) == 2:
        return name == parts[0] and value.startswith(parts[1])
    spec_name, eq, spec_value = spec.partition("=")
    if eq:
        return name == spec_name and value == spec_value
    return name == spec


def scope_covers(head: str, base: str) -> bool:
    """``./...`` covers ``./pkg/...``; ``tests`` covers ``tests/unit``."""
    h = head.removesuffix("...").rstrip("/")
    b = base.removesuffix("...").rstrip("/")
    return h in ("", ".") or b == h or b.startswith(h + "/")
