"""Tests are left out by configuration: pytest `addopts`/`testpaths`, jest or vitest excludes.

## What it does
Reports options in a test runner's configuration that make it run fewer tests, wherever the
pipeline calls it: pytest `addopts` gaining `-m "not …"`, `-k`, `--deselect`, `--ignore`,
`--ignore-glob`, `-p no:…`, `--lf`/`--last-failed`, `--co`/`--collect-only`, or `testpaths` losing
entries; jest `testPathIgnorePatterns` and vitest `test.exclude` gaining entries. A plugin
disabled with `-p no:…` counts unless it is one known to collect and judge nothing (`legacypath`,
`cacheprovider`, `randomly`, `xdist`, …); `-p no:doctest` or `-p no:unittest` stop collecting
tests.

## Why is this bad?
The pipeline is untouched and still runs `pytest` or `npm test`; only the runner's configuration,
read on every run, now skips a part of the suite.

## Example
```toml
# base                                # head
[tool.pytest.ini_options]             [tool.pytest.ini_options]
addopts = "-ra"                       addopts = "-ra -m 'not integration'"
```

## How to resolve
Keep the tests selected, mark only what truly cannot run in CI, or approve the finding with the
reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("python-tools", "js-tests")
#: pytest options that deselect tests (docs "How to invoke pytest"; Signals S1). Those that take
#: a value are listed with it.
_WITH_VALUE = ("-m", "-k", "--deselect", "--ignore", "--ignore-glob", "-p")
_FLAGS = ("--lf", "--last-failed", "--co", "--collect-only", "--sw", "--stepwise")
#: Plugins whose ``-p no:…`` leaves every test collected and judged as before: pytest's own
#: plugins for caching, temporary paths, output, reports, debugging and timing (the built-in list
#: is ``default_plugins`` in pytest's ``_pytest/config``; ``legacypath`` only adds the old
#: ``tmpdir``/``testdir`` names), and third-party ones that order, distribute, re-run or time
#: tests, or measure coverage (which the coverage rules judge). Disabling ``python``, ``unittest``,
#: ``doctest`` or ``nose`` stops collecting tests, ``skipping`` or ``warnings`` changes outcomes,
#: and an unknown plugin may collect tests of its own: all those are still reported.
_INERT_PLUGINS = frozenset(
    {
        "cacheprovider",
        "capture",
        "debugging",
        "faulthandler",
        "freeze_support",
        "helpconfig",
        "junitxml",
        "legacypath",
        "logging",
        "pastebin",
        "python_path",
        "setuponly",
        "setupplan",
        "stepwise",
        "terminal",
        "tmpdir",
        "cov",
        "pytest_cov",
        "randomly",
        "random_order",
        "rerunfailures",
        "xdist",
        "sugar",
        "instafail",
    }
)


def narrowing(words: Sequence[str]) -> set[str]:
    out: set[str] = set()
    i = 0
    while i < len(words):
        w = words[i]
        name, eq, value = w.partition("=")
        if name in _WITH_VALUE:
            if not eq:
                value = words[i + 1] if i + 1 < len(words) else ""
                i += 1
            if name == "-p" and (not value.startswith("no:") or value[3:].strip() in _INERT_PLUGINS):
                i += 1
                continue
            if name == "-m" and "not " not in f" {value}" and " or " not in value:
                out.add(f"-m {value}")
            elif name != "-m" or "not " in f" {value}":
                out.add(f"{name} {value}")
        elif w in _FLAGS:
            out.add(w)
        elif len(w) > 2 and w[:2] in ("-m", "-k") and not w.startswith("--"):
            out.add(f"{w[:2]} {w[2:]}")
        i += 1
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate) or not isinstance(after, Gate):
        return
    if before.tool == "pytest":
        added = sorted(narrowing(after.options.get("addopts", ())) - narrowing(before.options.get("addopts", ())))
        if added:
            yield Hit(
                message=f"pytest addopts now deselect tests: {', '.join(added)}",
                attr="addopts",
                head_route=(*after.options.get("section", ()), "addopts"),
                base_route=(*before.options.get("section", ()), "addopts"),
                before=list(before.options.get("addopts", ())),
                after=list(after.options.get("addopts", ())),
            )
        old_paths, new_paths = before.options.get("testpaths", ()), after.options.get("testpaths", ())
        lost = sorted(set(old_paths) - set(new_paths))
        if old_paths and new_paths and lost:
            yield Hit(
                message=f"pytest testpaths no longer include {', '.join(lost)}",
                attr="testpaths",
                head_route=(*after.options.get("section", ()), "testpaths"),
                base_route=(*before.options.get("section", ()), "testpaths"),
                before=list(old_paths),
                after=list(new_paths),
            )
        return
    grown = sorted(set(after.options.get("test_ignore", ())) - set(before.options.get("test_ignore", ())))
    if grown:
        key = "testPathIgnorePatterns" if before.tool == "jest" else "test.exclude"
        yield Hit(
            message=f"{before.tool} now skips test files matching {', '.join(grown)} ({key})",
            attr=key,
            head_route=(grown[0],),
            base_route=None,
            before=list(before.options.get("test_ignore", ())),
            after=list(after.options.get("test_ignore", ())),
        )


RULE = Rule(
    code="CI062",
    name="tests-excluded-by-config",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pytest"), (FAMILY, "jest"), (FAMILY, "vitest")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
