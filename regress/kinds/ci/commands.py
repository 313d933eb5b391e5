"""Test commands as comparable facts: the runner, its flags with their values, its scope
(positional paths and packages), and the coverage thresholds it enforces."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from regress.kinds.ci.classify import DEFAULT_PATTERNS, TEST, Patterns, classify_command, unwrap
from regress.kinds.ci.shell import shown, split, substitutions, walk
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
        """As a reviewer reads it (``${{ … }}`` where the workflow has an expression)."""
        return shown(self.words)


def runner_for(words: tuple[str, ...]) -> tuple[RunnerFlags | None, int]:
    if words and words[0].startswith("/"):
        # An absolute path to the tool (`/opt/go-1.22/bin/go test`) is the tool.
        words = (words[0].rsplit("/", 1)[-1], *words[1:])
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
            # What follows goes to the wrapped runner (`gotestsum -- -race ./...` is `go test -race
            # ./...`) or to the test binary (`cargo test -- --skip x`): flags and scope alike.
            i += 1
            continue
        if w.startswith("-"):
            name, eq, value = w.partition("=")
            if not eq and i + 1 < len(rest) and not rest[i + 1].startswith("-") and _takes_value(name, runner):
                value = rest[i + 1]
                i += 1
            flags.append((name, value))
        elif _PATHLIKE.search(w):
            scope.append(w)
        i += 1
    if key == "gotestsum" and not scope:
        scope.append("./...")  # gotestsum's default packages (gotestsum --help, "--packages")
    return TestCommand(words, runner, key, tuple(flags), tuple(scope))


def _takes_value(flag: str, runner: RunnerFlags | None) -> bool:
    if runner is None:
        return False
    if flag in _RUNNER_VALUE_FLAGS.get(runner.commands[0], ()):
        return True
    known = runner.narrowing + runner.no_run + runner.non_failing
    return any(k.split()[0] == flag and (len(k.split()) > 1 or flag in _VALUE_FLAGS) for k in known) or (
        flag in _VALUE_FLAGS
    )


#: Flags of one runner (keyed by its first command word) that take the next word as their value,
#: so that value is neither a flag nor part of the scope: `go test -exec 'dockexec bash:5.1'`
#: (`go help testflag` and `go help build`), gotestsum's own options (gotestsum --help).
_RUNNER_VALUE_FLAGS: dict[str, frozenset[str]] = {
    "go test": frozenset(
        {
            "-exec",
            "-timeout",
            "-count",
            "-parallel",
            "-cpu",
            "-bench",
            "-benchtime",
            "-list",
            "-shuffle",
            "-fuzz",
            "-fuzztime",
            "-fuzzminimizetime",
            "-vet",
            "-coverprofile",
            "-covermode",
            "-coverpkg",
            "-cpuprofile",
            "-memprofile",
            "-blockprofile",
            "-mutexprofile",
            "-trace",
            "-outputdir",
            "-o",
            "-mod",
            "-modfile",
            "-ldflags",
            "-gcflags",
            "-asmflags",
            "-toolexec",
            "-overlay",
            "-pkgdir",
            "-buildmode",
            "-compiler",
            "-C",
            "--format",
            "--junitfile",
            "--jsonfile",
            "--junitfile-testsuite-name",
            "--junitfile-testcase-classname",
            "--post-run-command",
            "--hide-summary",
        }
    ),
}


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
    return [command for _cwd, command in located_test_commands(script, patterns)]


def located_test_commands(
    script: str | None, patterns: Patterns = DEFAULT_PATTERNS, start: str | None = ""
) -> list[tuple[str | None, TestCommand]]:
    """The test commands of ``script`` with the folder each starts in (relative to the checkout,
    "" for its root, None when unknown), from ``start`` (the step's working directory)."""
    if not script:
        return []
    return [(cwd, parse(unwrap(argv))) for cwd, argv in walk(script, start) if TEST in classify_command(argv, patterns)]


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
                        out.append(SuiteGlob(shown(cmd.argv), patterns))
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


def scope_covers(head: str, base: str, packages: bool = False) -> bool:
    """``./...`` covers ``./pkg/...``; ``tests`` covers ``tests/unit``. With ``packages`` (Go
    package patterns) only a ``...`` pattern reaches below its folder: ``.`` covers ``.`` alone."""
    if packages:
        h, b = _package(head), _package(base)
        if not head.endswith("..."):
            return h == b and not base.endswith("...")
        return h in ("", b) or b.startswith(h + "/")
    h = head.removesuffix("...").rstrip("/")
    b = base.removesuffix("...").rstrip("/")
    return h in ("", ".") or b == h or b.startswith(h + "/")


def _package(pattern: str) -> str:
    """``./pkg/...`` → ``pkg``; ``.`` and ``./...`` → ``""``."""
    p = pattern.removesuffix("...").rstrip("/")
    p = p.removeprefix("./")
    return "" if p == "." else p


#: Flags whose value is a set of build constraints: `go test -tags integration,e2e` compiles the
#: files whose `//go:build` line needs those tags (`go help buildconstraint`). Tests behind a tag
#: stop running when the tag is dropped; a tag added brings more files in, so only lost tags narrow.
_TAG_FLAGS = frozenset({"-tags"})


def _tags(command: TestCommand) -> frozenset[str] | None:
    """The build tags a command sets; None when a value is computed at run time (unknown)."""
    out: set[str] = set()
    for name, value in command.flags:
        if name not in _TAG_FLAGS:
            continue
        if _computed(value):
            return None
        out.update(t for t in value.replace(",", " ").split() if t)
    return frozenset(out)


def _computed(word: str) -> bool:
    """A word the shell or the CI expands at run time: its value is unknown here."""
    return "$" in word or word in ("SUBST", "GHEXPR") or "GHEXPR" in word


def rebased(command: TestCommand, cwd: str) -> TestCommand:
    """``command`` as if started at the checkout's root, when it starts in ``cwd``: its paths
    joined to ``cwd`` (``cd test/cli && pytest test_a.py`` runs ``test/cli/test_a.py``), and no
    paths at all meaning ``cwd`` itself, where a runner given none collects from (pytest: "the
    current directory" when started outside the rootdir's ``testpaths``; ``go test``: the package
    in the current directory). Go import paths and words computed at run time stay as written."""
    if not cwd or command.runner is None:
        return command
    packages = command.runner.package_patterns
    scope = command.scope or command.runner.default_scope or ((".",) if command.runner.positional_scope else ())
    return replace(command, scope=tuple(_rebased_word(w, cwd, packages) for w in scope))


def _rebased_word(word: str, cwd: str, packages: bool) -> str:
    if _computed(word) or word.startswith("/") or (packages and not word.startswith(".")):
        return word
    joined = posixpath.normpath(posixpath.join(cwd, word))
    return f"./{joined}" if packages and not joined.startswith(".") else joined


def scope_path(word: str, packages: bool = False) -> str | None:
    """The file or folder a scope word names, relative to where the command starts ("" for that
    folder itself): ``tests/test_a.py::test_b`` → ``tests/test_a.py``, ``./pkg/...`` → ``pkg``.
    None for a word that names no one path: a glob, a value computed at run time, a Go import
    path, a path outside the starting folder."""
    if _computed(word) or any(c in word for c in "*?[{"):
        return None
    path = word.split("::", 1)[0]
    if packages:
        if not path.startswith("."):
            return None
        path = path.removesuffix("...")
    path = posixpath.normpath(path or ".")
    if path == ".":
        return ""
    return None if path.startswith(("/", "..")) else path


def narrowing(
    before: TestCommand, after: TestCommand, moved: Collection[str] = (), scope_known: bool = True
) -> list[str]:
    """What makes ``after`` run fewer tests than ``before``. ``moved`` are scope words of
    ``before`` whose tests ``after`` still runs under another path (a renamed test file);
    without ``scope_known`` the two scopes are not comparable (one command starts in a folder
    computed at run time) and only flags are compared."""
    out: list[str] = []
    runner = after.runner
    if runner is not None:
        for flag in after.flags:
            if flag[0] in _TAG_FLAGS:
                continue  # compared as sets below
            if flag in before.flags or not any(matches(flag, spec) for spec in runner.narrowing):
                continue
            out.append(shown([w for w in flag if w]))
        old_tags, new_tags = _tags(before), _tags(after)
        if old_tags is not None and new_tags is not None and old_tags - new_tags:
            out.append(f"build tags no longer set: {', '.join(sorted(old_tags - new_tags))}")
        old_scope = before.scope or runner.default_scope
        new_scope = after.scope or runner.default_scope
        comparable = scope_known and not any(_computed(w) for w in old_scope + new_scope)
        if runner.positional_scope and comparable:
            if not old_scope and new_scope:
                out.append(f"scope narrowed to {' '.join(new_scope)}")
            elif old_scope and new_scope:
                packages = runner.package_patterns
                lost = [
                    b for b in old_scope if b not in moved and not any(scope_covers(a, b, packages) for a in new_scope)
                ]
                if lost:
                    out.append(f"scope {' '.join(old_scope)} → {' '.join(new_scope)}")
    return out
