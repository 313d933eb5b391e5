"""A linter or type checker now lets more through.

## What it does
Compares lint and type-check settings (`lint_configs.py`: ruff, flake8, mypy, TypeScript's
`tsconfig.json`; ESLint's flags in `package.json` scripts; `lint_baselines.py`: PHPStan's level
and baseline, RuboCop's todo, ESLint's bulk suppressions) and reports:

- new ignores: a rule code added to `ignore`/`extend-ignore`, a `per-file-ignores` entry, a mypy
  module given `ignore_errors` (a module given `ignore_missing_imports`, the usual way to declare a
  dependency without type information, is not reported);
- `select` narrowed (rule codes or prefixes no longer selected);
- strictness switched off: mypy `strict`, `disallow_untyped_defs`, `check_untyped_defs`,
  `strict_optional`, … true → false, or `ignore_missing_imports`/`ignore_errors` turned on
  globally; TypeScript `strict`, `noImplicitAny`, `strictNullChecks`, … true → false. `strict`
  stands for the flags it turns on: spelling them out instead is no change, and switching it off
  is one finding;
- a lint baseline that ignores more of a check it already ignored: PHPStan's
  `phpstan-baseline.neon` (errors per identifier), RuboCop's `.rubocop_todo.yml` (files excluded
  per cop, a metric's `Max` raised, a cop disabled whole), ESLint's `eslint-suppressions.json`
  (violations per rule). A check new to the baseline is a rollout (the check switched on for new
  code, its old offences recorded) and stays silent, as does any growth in the change that raises
  PHPStan's `level`; PHPStan's `level` lowered is reported;
- ESLint's warning limit in a `package.json` script (`"lint": "eslint . --max-warnings 0"`)
  raised, removed, or made inert by `--quiet` (from ESLint 9 it skips the rules set to warn); the
  same flag in a pipeline command is `lint-warning-limit-raised`'s.

Absent settings take the tool's default; in a `tsconfig.json` that `extends` another, an option
left out is inherited and unknown, so removing it is not reported. Reported under tests at low
severity (CATALOGUE.md SC-17): a lint gate is a gate, but a loosened one rarely ships a defect by
itself.

## Why is this bad?
The lint and type-check jobs stay green while the checks that made them worth running are gone,
and the exceptions added with this change are the ones nobody reviews later.

## Example
```toml
# pyproject.toml, base             # head
[tool.mypy]                         [tool.mypy]
strict = true                       strict = false
```

## How to resolve
Fix what the checker reports, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.lint_flags import WarningLimit, loosened
from regress.kinds.gates.lint_baselines import MAX_LEVEL
from regress.kinds.gates.lint_configs import MYPY_BY_STRICT, MYPY_LAX, TS_BY_STRICT, TYPE
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

_BY_STRICT = {"mypy": MYPY_BY_STRICT, "tsc": TS_BY_STRICT}

#: Switch names of ESLint's warning limit in a package.json script (``max-warnings (lint)``).
WARNINGS = "max-warnings"


def _weakened(flag: str, was: Any, now: Any) -> str | None:
    if was is None or now is None or was == now:
        return None
    if flag.startswith(WARNINGS):
        # [limit, quiet] of the script's strictest ESLint run (``js_tests.lint_object``).
        return loosened(WarningLimit("eslint", was[0], was[1], 0), WarningLimit("eslint", now[0], now[1], 0))
    if flag == "select":
        lost = sorted(set(was) - set(now))
        return f"select no longer includes {', '.join(lost)}" if lost else None
    if flag == "level":
        # PHPStan's rule level: each level adds checks to the ones below it.
        shown = {MAX_LEVEL: "max"}
        return f"level lowered: {shown.get(was, was)} → {shown.get(now, now)}" if now < was else None
    if flag in MYPY_LAX:
        return f"{flag}: false → true" if was is False and now is True else None
    return f"{flag}: true → false" if was is True and now is False else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate) or not isinstance(after, Gate) or change.after is None:
        return
    section = tuple(after.options.get("section", ()))
    where = change.after.origin.path
    if "baseline" in before.options and "baseline" in after.options:
        yield from _baseline_grown(before, after, where)
        return
    old_entries = before.suppressions.entries if before.suppressions is not None else frozenset()
    new_entries = after.suppressions.entries if after.suppressions is not None else frozenset()
    added = sorted(new_entries - old_entries)
    if added:
        shown = ", ".join(added[:5]) + (f" and {len(added) - 5} more" if len(added) > 5 else "")
        key = added[0].split(" ", 1)[0]
        yield Hit(
            message=f"{after.tool} in {where} ignores more: {shown}",
            attr="ignores",
            head_route=(*section, key),
            before=len(old_entries),
            after=len(new_entries),
        )
    old, new = before.options.get("switches", {}), after.options.get("switches", {})
    # ``strict`` switched off takes the flags it stood for with it: one finding says it.
    dropped = old.get("strict") is True and new.get("strict") is not True
    umbrella = _BY_STRICT.get(after.tool, frozenset()) if dropped else frozenset()
    for flag in sorted(set(old) & set(new)):
        if flag in umbrella:
            continue
        why = _weakened(flag, old[flag], new[flag])
        if why is None:
            continue
        # ``max-warnings (lint)`` is located at the script it was read from.
        key = flag[len(WARNINGS) :].strip(" ()") if flag.startswith(WARNINGS) else flag
        yield Hit(
            message=f"{after.tool} in {where}: {why}" + (f" (script {key!r})" if flag.startswith(WARNINGS) else ""),
            attr=f"switch[{flag}]",
            head_route=(*section, key),
            base_route=(*tuple(before.options.get("section", ())), key),
            before=old[flag],
            after=new[flag],
        )


def _baseline_grown(before: Gate, after: Gate, where: str) -> Iterator[Hit]:
    """A baseline that ignores more of a check it already ignored hides new errors of it. A
    check new to the baseline is a rollout (the check switched on for new code, the old
    offences recorded), and a raised PHPStan level brings its own new entries."""
    old_level, new_level = before.options.get("level"), after.options.get("level")
    if isinstance(old_level, int) and isinstance(new_level, int) and new_level > old_level:
        return
    old, new = before.options["baseline"], after.options["baseline"]
    for check in sorted(set(old) & set(new)):
        was, now = old[check], new[check]
        why: list[str] = []
        if now["entries"] > was["entries"]:
            why.append(f"{after.options.get('unit', 'entries')} {was['entries']} → {now['entries']}")
        if was["max"] is not None and now["max"] is not None and now["max"] > was["max"]:
            why.append(f"Max {_num(was['max'])} → {_num(now['max'])}")
        if now["disabled"] and not was["disabled"]:
            why.append("disabled whole")
        if not why:
            continue
        yield Hit(
            message=f"{after.tool} in {where} ignores more of {check}: {', '.join(why)}",
            attr=f"baseline[{check}]",
            head_route=(check,),
            base_route=(check,),
            before=was,
            after=now,
        )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


RULE = Rule(
    code="SC017",
    name="lint-gate-loosened",
    category=Category.TESTS,
    severity=Severity.LOW,
    kinds=("lint-config", "python-tools", "js-tests"),
    watches=((FAMILY, TYPE),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
