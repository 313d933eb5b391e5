"""A Makefile target, justfile recipe or tox environment that ran the tests no longer does.

## What it does
Reads the recipes of `Makefile` (also `GNUmakefile`, `makefile`), `justfile` and `tox.ini`, works
out which run tests (a test runner in their own commands, or in a target or recipe they depend
on or call with `make <target>`), and reports one that ran tests and now

- runs none (emptied, replaced by `echo`, or its test prerequisite dropped), or
- no longer fails when they fail: a test line prefixed with `-` (make, just and tox ignore its
  exit status), `pytest || true` and the other shell forms, tox `ignore_outcome = true`.

Reported at high severity when a pipeline of the same snapshot runs the recipe (`make test`,
`make -C api check`, `just test`, `tox`, `tox -e py312`, in `.github/workflows/`, `.gitlab-ci.yml`,
`.circleci/config.yml`, `azure-pipelines.yml` or `bitbucket-pipelines.yml`), and at low severity
for a recipe named like a test (`test`, `check`, `unit`, `e2e`, `test-*`, …) that no pipeline is
seen running. A recipe removed outright is not reported: `make test` then fails loudly.
npm scripts are `test-script-emptied`'s.

## Why is this bad?
The pipeline still runs `make test` and stays green: the job and its name are unchanged, only
the recipe behind it no longer tests anything.

## Example
```make
# base                      # head
test:                       test:
        pytest tests/              	-pytest tests/
```

## How to resolve
Keep the recipe running the tests and failing with them, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.kinds.gates.recipes import TEST_NAMES, TYPE
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

_TOOL = {"make": "Makefile target", "just": "justfile recipe", "tox": "tox environment"}


def _verdicts(obj: Any) -> dict[str, dict[str, Any]]:
    facts = obj.facts if obj is not None else None
    return facts.options.get("verdicts", {}) if isinstance(facts, Gate) else {}


def _closure(name: str, verdicts: dict[str, dict[str, Any]]) -> set[str]:
    """Every recipe ``name`` depends on, directly or through others."""
    seen: set[str] = set()
    todo = list(verdicts.get(name, {}).get("prereqs", ()))
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(verdicts.get(dep, {}).get("prereqs", ()))
    return seen


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    tool = str(change.after.key[0])
    old, new = _verdicts(change.before), _verdicts(change.after)
    found: dict[str, tuple[str, str]] = {}
    for name, was in sorted(old.items()):
        now = new.get(name)
        if not was.get("runs_tests") or now is None:
            continue
        caller = str(now.get("called_by") or was.get("called_by") or "")
        if not caller and not TEST_NAMES.fullmatch(name):
            continue
        if not now.get("runs_tests"):
            found[name] = ("no longer runs any tests", caller)
        elif now.get("swallowed") and not was.get("swallowed"):
            found[name] = (f"no longer fails when the tests fail: {now['swallowed']}", caller)
    # One weakening shows in every recipe that depends on the one weakened: report it where the
    # pipeline runs it, else where it was made, not once per dependent.
    covered = {d for n, (_, caller) in found.items() if caller for d in _closure(n, new)}
    old_scripts = _scripts(change.before)
    new_scripts = _scripts(change.after)
    for name, (what, caller) in found.items():
        if not caller:
            if name in covered:
                continue
            if old_scripts.get(name) == new_scripts.get(name) and _closure(name, new) & found.keys():
                continue
        called = f" ({caller} runs it)" if caller else " (no pipeline was seen running it)"
        yield Hit(
            message=f"{_TOOL.get(tool, tool)} {name!r} in {change.after.origin.path} {what}{called}",
            attr=f"recipes.{name}",
            head_route=("recipes", name),
            base_route=("recipes", name),
            before=old[name].get("runs_tests"),
            after=False,
            severity=Severity.HIGH if caller else Severity.LOW,
        )


def _scripts(obj: Any) -> dict[str, str]:
    facts = obj.facts if obj is not None else None
    return facts.options.get("scripts", {}) if isinstance(facts, Gate) else {}


RULE = Rule(
    code="CI065",
    name="test-recipe-emptied",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=("test-recipes",),
    watches=((FAMILY, TYPE),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
