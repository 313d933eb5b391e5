"""A test command runs fewer tests than before.

## What it does
Pairs each test command of a step with the same runner's command in the base step and reports
narrowing flags that appeared or changed value (per the runner table in CATALOGUE.md Signals S1:
pytest `-k`/`-m`/`--deselect`/`--ignore`, jest `--testPathIgnorePatterns`/`--onlyChanged`, go
`-run`/`-skip`/`-short`, cargo `--skip`/`--lib`, Maven `-Dtest=`/`-pl`, Gradle `--tests`, ctest
`-E`, …) and a scope that shrank (`go test ./...` → `go test ./pkg/...`, `pytest` →
`pytest tests/unit`, `go test ./...` → `go test`, which tests the current package only). Flags
that keep every test (`-x`, `-n auto`, `-v`, `--cov*`, `-race`) are not narrowing, nor is a flag's
value (`-exec 'dockexec bash:5.1'` → `bash:5.2`). Go build tags compare as sets: a tag dropped from
`-tags` narrows (the files behind it no longer compile), a tag added brings files in and is
silent, and tags computed at run time (`-tags ${{ matrix.tags }}`) are unknown, not narrowed.

Scopes compare as paths from the checkout's root, from where each command starts (the step's
`working-directory`, then `cd`/`pushd`): `cd test/cli && pytest test_a.py` → `pytest test/cli`
still runs `test_a.py`; when either start is computed at run time (`cd "$DIR"`), only flags are
compared. A path the base named that is gone from the head tree, while the head names a path
that is new there, was renamed or moved with its tests (`tools/test_parse.py` →
`tools/parse_test.py`): not narrowed. A path still in the head tree that the command no longer
names is narrowed, whatever new path it names instead.

Test files chosen by glob before they reach the runner count too: CircleCI's
`circleci tests glob "tests/**/*.py"` becoming `"tests/unit/**/*.py"` narrows the suite that
`circleci tests split`/`run` shares out, even inside `$(…)`. A glob that still covers every base
pattern (equal, wider, another spelling, `{a,b}` alternatives), or a different `parallelism` or
`--split-by`, still runs every test and stays silent; a pattern built from a variable is not
compared.

## Why is this bad?
The job is still called "test" and still green, but whole areas of the suite no longer run.

## Example
```yaml
# base                 # head
- run: pytest          - run: pytest -k "not slow" --ignore=tests/e2e
```

```yaml
# base (CircleCI)
- run: circleci tests glob "tests/**/*.py" | circleci tests run --command="xargs pytest"
# head
- run: circleci tests glob "tests/unit/**/*.py" | circleci tests run --command="xargs pytest"
```

## How to resolve
Run the full suite (quarantine flaky tests explicitly), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import replace

from regress.findings import Category, Severity
from regress.kinds.ci.classify import TEST
from regress.kinds.ci.commands import TestCommand, located_test_commands, narrowing, rebased, scope_path, suite_globs
from regress.kinds.ci.globs import lost
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs, patterns_of


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    patterns = patterns_of(ctx)
    before, after = jobs(change)
    if before is None or after is None:
        return
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or TEST not in sa.classes or sb.run == sa.run:
            continue
        news = located_test_commands(sa.run, patterns, sa.workdir)
        for old_cwd, old in located_test_commands(sb.run, patterns, sb.workdir):
            same = [(cwd, new) for cwd, new in news if new.key == old.key]
            candidates = [(new, _narrowing(old_cwd, old, cwd, new, ctx)) for cwd, new in same]
            if not candidates or any(not found for _new, found in candidates):
                continue  # no such runner any more (another rule's), or one run still covers it
            new, found = candidates[0]
            shown = new.text
            if len(candidates) > 1 and len({frozenset(c.flags) for c, _ in candidates}) == 1:
                # `go test ./...` → `go test . && go test ./ast && …`: the same run split by
                # package; what is lost is what none of the parts covers.
                found = _narrowing(old_cwd, old, *_merged(same), ctx)
                if not found:
                    continue
                shown = " && ".join(c.text for c, _ in candidates)
            yield Hit(
                message=f"test command in {sa.label} of {after.label} in {after.pipeline} narrowed: "
                f"`{old.text[:80]}` → `{shown[:120]}` ({'; '.join(found)})",
                attr=f"step[{sa.key}].run[{new.key}]",
                head_route=(*sa.route, "run"),
                base_route=(*sb.route, "run"),
                before=old.text,
                after=shown,
                related=callers_related(after),
            )
        yield from _globs_narrowed(after, sb, sa)


def _narrowing(
    old_cwd: str | None, old: TestCommand, new_cwd: str | None, new: TestCommand, ctx: RuleContext
) -> list[str]:
    """What ``new`` (started in ``new_cwd``) no longer runs of ``old`` (started in ``old_cwd``).
    Scopes compare as paths from the checkout's root when the two start in different folders,
    and not at all when either folder is unknown."""
    if old_cwd != new_cwd:
        if old_cwd is None or new_cwd is None:
            return narrowing(old, new, scope_known=False)
        old, new = rebased(old, old_cwd), rebased(new, new_cwd)
        old_cwd = new_cwd = ""
    return narrowing(old, new, moved=_moved(old_cwd, old, new, ctx))


def _moved(cwd: str | None, old: TestCommand, new: TestCommand, ctx: RuleContext) -> frozenset[str]:
    """Scope words of ``old`` whose tests moved: their path is in the base tree and gone from
    the head's, while ``new`` names a path that only the head tree has (`tools/test_reduce.py` →
    `tools/reduce_test.py`, `tests/` → `test/`). A path still in the head tree that the command no
    longer names is narrowed, whatever else it names now."""
    exists = ctx.exists
    if exists is None or cwd is None or old.runner is None:
        return frozenset()
    packages = old.runner.package_patterns

    def path(word: str) -> str | None:
        found = scope_path(word, packages)
        return None if not found else posixpath.join(cwd, found) if cwd else found

    arrived = [p for p in map(path, new.scope) if p and exists("head", p) and not exists("base", p)]
    if not arrived:
        return frozenset()
    return frozenset(w for w in old.scope if (p := path(w)) and exists("base", p) and not exists("head", p))


def _merged(runs: list[tuple[str | None, TestCommand]]) -> tuple[str | None, TestCommand]:
    """One command running what all of ``runs`` run (the same flags, every scope), and where it
    starts: their folder when they share one, else the root with each scope rebased to it."""
    first = runs[0][1]
    folders = {cwd for cwd, _ in runs}
    if len(folders) == 1 or None in folders:
        cwd = runs[0][0] if len(folders) == 1 else None
        return cwd, replace(first, scope=tuple(w for _, c in runs for w in c.scope))
    return "", replace(first, scope=tuple(w for cwd, c in runs for w in rebased(c, cwd or "").scope))


def _globs_narrowed(after: Job, sb: Step, sa: Step) -> Iterator[Hit]:
    old, new = suite_globs(sb.run), suite_globs(sa.run)
    if not old or not new:
        return  # the listing went away or appeared: the runner's own arguments decide (above)
    before = tuple(p for g in old for p in g.patterns)
    now = tuple(p for g in new for p in g.patterns)
    if any("$" in p or "<<" in p for p in before + now):
        return  # built at run time: unknown, not narrowed
    gone = lost(before, now)
    if not gone:
        return
    yield Hit(
        message=f"test files selected in {sa.label} of {after.label} in {after.pipeline} narrowed: "
        f"`{old[0].text[:80]}` → `{new[0].text[:80]}` (no longer covers {', '.join(gone)})",
        attr=f"step[{sa.key}].globs",
        head_route=(*sa.route, "run"),
        base_route=(*sb.route, "run"),
        before=" ".join(before),
        after=" ".join(now),
        related=callers_related(after),
    )


RULE = Rule(
    code="CI014",
    name="test-command-narrowed",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
