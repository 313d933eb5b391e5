"""coverage.py's `fail_under` was lowered or removed, or more files are left out of coverage.

## What it does
Reads coverage.py's effective settings (from `.coveragerc`, else `setup.cfg`, `tox.ini` or
`pyproject.toml`, the first with coverage settings) and reports `[report] fail_under` lowered or
removed, and `omit` patterns added (code left out of the measurement). Moving the settings from one
file to another is no change, and so is omitting test code (`tests/*`, `*/test_*.py`,
`conftest.py`): the tests themselves are not what the bar measures.

## Why is this bad?
`coverage report` (and `pytest --cov`) fails the build below `fail_under`; lowering it, or omitting
the untested code, lets less tested code pass.

## Example
```toml
# base                          # head
[tool.coverage.report]          [tool.coverage.report]
fail_under = 90                 fail_under = 80
```

## How to resolve
Keep the bar, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("python-tools",)

#: An omit pattern that names test code (a ``tests`` folder, ``test_*.py``, ``conftest.py``):
#: leaving the tests themselves out measures the product code alone, usually at a lower figure.
_TEST_CODE = re.compile(r"(^|[/*])(tests?|testing)(/|$)|(^|[/*])(test_[^/]*|[^/]*_tests?\.py|conftest\.py)$")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate):
        return
    was = before.thresholds[0].value if before.thresholds else None
    now = after.thresholds[0].value if isinstance(after, Gate) and after.thresholds else None
    route = tuple(after.options.get("fail_under_route", ())) if isinstance(after, Gate) else ()
    base_route = tuple(before.options.get("fail_under_route", ()))
    if was is not None and (now is None or now < was):
        yield Hit(
            message=f"coverage.py fail_under {'lowered' if now is not None else 'removed'}: {was:g} → "
            f"{f'{now:g}' if now is not None else 'none (never fails on coverage)'}",
            attr="fail_under",
            head_route=route,
            base_route=base_route,
            before=was,
            after=now,
            severity=Severity.HIGH if now is None else None,
        )
    if isinstance(after, Gate):
        added = sorted(
            p
            for p in set(after.options.get("omit", [])) - set(before.options.get("omit", []))
            if not _TEST_CODE.search(str(p))
        )
        if added and (was is not None or now is not None):
            yield Hit(
                message=f"coverage.py now omits {', '.join(added)} from coverage",
                attr="omit",
                head_route=tuple(after.options.get("omit_route", ())),
                base_route=tuple(before.options.get("omit_route", ())),
                before=list(before.options.get("omit", [])),
                after=list(after.options.get("omit", [])),
                severity=Severity.LOW,
            )


RULE = Rule(
    code="CV005",
    name="coverage-fail-under-lowered",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "coverage.py"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "removed", "renamed", "moved"}),
)
