"""A step that ran tests now builds (or does something else) instead.

## What it does
Reports a step that ran a test command in the base and, in the head, runs no test at all or
runs its test command in a mode that does not execute tests: `mvn verify` → `mvn package
-DskipTests`, `./gradlew check` → `./gradlew assemble` or `build -x test`, `cargo test` →
`cargo test --no-run`, `pytest` → `pytest --collect-only`, `bazel test` → `bazel build`, or a
test step whose command became `echo skip`. Removing the step outright is `test-step-removed`.
A make goal counts as a test command when its name says so (`make test`, `make check-fmt tests`:
make builds every goal given) or when its recipe in the same snapshot's Makefile runs tests
(`make richtest` → `richgo test ./...`); make's default goal in a folder of tests whose Makefile
is not in the tree (written by the build, as `make -C tests/svtypes` may find it), and a goal
of a folder of tests whose recipes depend on targets named through a variable (`cd test-suite
&& make all`, with `run: $(SUBSYSTEMS)`), cannot be read and are not reported. A target of
`cmake --build DIR --target T` is judged as the make goal `T`. A script named as a test runner
(`script/test.sh`, `run_tests.sh`) is a test command too, unless its first argument names a
stage that only prepares (`./ci/run_tests.sh build_nvim`, `test.sh install`). A command is
judged by what it starts: `php ./phpunit`, `ruby bin/rails test`, `node node_modules/.bin/jest`,
`bash scripts/test.sh` run those runners, and `$MAKE check`/`${MAKE} check` is `make check`; an
interpreter that only checks the script's syntax (`php -l`, `ruby -c`, `node --check`, `bash -n`)
runs no tests.

## Why is this bad?
The step keeps its name and its place, so the checks list still shows a green "Test" step that
compiles but verifies nothing.

## Example
```yaml
# base                   # head
- name: Test             - name: Test
  run: mvn -B verify       run: mvn -B package -DskipTests
```

## How to resolve
Restore the test goal, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST, make_folder, make_targets, told_not_to_test, unwrap
from regress.kinds.ci.commands import parse, test_commands
from regress.kinds.ci.model import FAMILY, Step
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.ci.shell import shown, walk
from regress.kinds.gates.recipes import MAKEFILES
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs, patterns_of
from regress.rules.ci.suites import TEST_FOLDER_WORDS, commands


def _no_run_flags(script: str | None) -> dict[str, tuple[str, str]]:
    """Runner commands of ``script`` told not to run tests (``mvn package -DskipTests``), by
    runner: the flag, and the command as shown. Such a command is no test command
    (``classify.told_not_to_test``), so they are looked for among all of the script's commands."""
    out: dict[str, tuple[str, str]] = {}
    for _cwd, argv in walk(script or ""):
        words = unwrap(argv)
        flag = told_not_to_test(words) if words else None
        if flag is not None:
            out[parse(words).key] = (flag, shown(words))
    return out


def _first_new_command(sb: Step, sa: Step) -> str:
    """The first command of the head step that the base step did not run (what replaced the
    tests), else its first command."""
    before = {words for _cwd, words in commands(sb)}
    now = [words for _cwd, words in commands(sa)]
    first = next((w for w in now if w not in before), now[0] if now else None)
    return shown(first)[:80] if first else ""


def _unread_test_makefile(sb: Step, sa: Step, ctx: RuleContext) -> bool:
    """The head step runs, in place of the base's, make in a folder of tests where what it runs
    cannot be read: the default goal of a Makefile that is not in the head tree (`make -C
    tests/svtypes`, the Makefile written by the build), or a goal whose recipes depend on targets
    named through a variable (`cd test-suite && make all` with `all: run` and `run:
    $(SUBSYSTEMS)`). In a folder of tests that is likely the tests."""
    if ctx.exists is None:
        return False
    before = {words for _cwd, words in commands(sb)}
    for cwd, words in commands(sa):
        if words in before or words[0].rsplit("/", 1)[-1] not in ("make", "gmake"):
            continue
        folder = make_folder(cwd, words)
        if not folder or not TEST_FOLDER_WORDS & set(folder.lower().split("/")):
            continue
        goals = make_targets(words[1:])
        if goals and set(goals) <= set(sa.unread_goals):
            return True
        if not goals and not any(ctx.exists("head", f"{folder}/{name}") for name in MAKEFILES):
            return True
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    patterns = patterns_of(ctx)
    before, after = jobs(change)
    if before is None or after is None:
        return
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or TEST not in sb.classes or sb.run == sa.run or sb.run is None:
            continue
        old_tests = test_commands(sb.run, patterns)
        if not old_tests:
            continue
        new_tests = test_commands(sa.run, patterns)
        old_flags = _no_run_flags(sb.run)
        added = {k: v for k, v in _no_run_flags(sa.run).items() if k not in old_flags}
        if added and not any(c.key in added for c in new_tests):
            flag, text = next(iter(added.values()))
            why = f"`{text[:80]}` builds without running tests ({flag})"
        elif TEST not in sa.classes or not new_tests:
            if SECURITY in sa.classes or sa.test_goals:
                continue  # a scanner, or a make goal whose recipe runs tests
            if _unread_test_makefile(sb, sa, ctx):
                continue  # unknown stays unknown (CATALOGUE.md §0.2.7)
            now = _first_new_command(sb, sa) or (sa.uses or "nothing")
            why = f"`{old_tests[0].text[:80]}` → `{now}`, which runs no tests"
        else:
            continue
        yield Hit(
            message=f"{sa.label} of {after.label} in {after.pipeline} no longer runs tests: {why}",
            attr=f"step[{sa.key}].run",
            head_route=(*sa.route, "run"),
            base_route=(*sb.route, "run"),
            before=sb.run,
            after=sa.run,
            related=callers_related(after),
        )


RULE = Rule(
    code="CI015",
    name="test-command-replaced",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
