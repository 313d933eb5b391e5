"""regress's own configuration or approvals file was changed.

## What it does
Reports any change to `.regress.yml` (or `.regress.yaml`) and to the approvals file
(`.regress/approvals.yml` unless `approvals.file` says otherwise).

## Why is this bad?
These files decide what regress checks and what it lets through. regress reads them from the BASE
side of a change, so a pull request cannot disable the rule that would flag it or approve its own
findings; but once merged, the new settings apply to every later change. A reviewer should see and
approve that explicitly.

## Example
```yaml
# base: .regress.yml            # head: .regress.yml
rules:                          rules:
  disable: []                     disable: [replicas-reduced]
```

## How to resolve
Approve the finding with a reason once the settings change has been reviewed.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterable

from regress.findings import Category, Severity
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext


def check(change: Change, ctx: RuleContext) -> Iterable[Hit]:
    del change, ctx
    return ()  # raised by the engine for changed config paths


RULE = Rule(
    code="REG003",
    name="regress-config-changed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("regress-config",),
    watches=(),
    check=check,
    doc=__doc__ or "",
)
