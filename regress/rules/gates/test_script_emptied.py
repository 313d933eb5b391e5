"""The npm `test` script no longer runs the tests.

## What it does
Reports a `package.json` `test` (or `test:*`) script that ran a test runner (jest, vitest, mocha,
playwright, …) and now does not — replaced by `echo`, `exit 0`, `true` or anything that is not a
test command — or whose test command's failure is now swallowed (`jest || true`). Removing the
script is reported too.

## Why is this bad?
The pipeline runs `npm test` and stays green: the job and its name are unchanged, only the recipe
behind it is empty.

## Example
```json
// base                      // head
"scripts": {"test": "jest"}  "scripts": {"test": "echo \"no tests\""}
```

## How to resolve
Keep running the tests, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import TEST, classify_command
from regress.kinds.ci.shell import split, swallowed
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("js-tests",)


def _swallowed(script: str) -> str | None:
    """npm runs scripts with ``sh -c``: no ``-e``, but a single command's status is the script's."""
    cmds = split(script)
    for i, cmd in enumerate(cmds):
        if TEST in classify_command(cmd.argv):
            why = swallowed(cmds, i, errexit=False, pipefail=False)
            if why:
                return why
    return None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate):
        return
    old = before.options.get("scripts", {})
    new = after.options.get("scripts", {}) if isinstance(after, Gate) else {}
    old_classes = before.options.get("classes", {})
    new_classes = after.options.get("classes", {}) if isinstance(after, Gate) else {}
    for name, script in sorted(old.items()):
        if TEST not in old_classes.get(name, ()):
            continue
        now = new.get(name)
        if now is None:
            what, severity = "was removed", Severity.HIGH
        elif TEST not in new_classes.get(name, ()):
            what, severity = f"no longer runs tests: `{script}` → `{now}`", Severity.HIGH
        else:
            why = _swallowed(now)
            if why is None or _swallowed(script) is not None:
                continue
            what, severity = f"no longer fails when the tests fail ({why}): `{now}`", Severity.HIGH
        yield Hit(
            message=f"npm script {name!r} {what}",
            attr=f"scripts.{name}",
            head_route=("scripts", name),
            base_route=("scripts", name),
            before=script,
            after=now,
            severity=severity,
        )


RULE = Rule(
    code="CI061",
    name="test-script-emptied",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "npm-test-script"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "removed", "renamed", "moved"}),
)
