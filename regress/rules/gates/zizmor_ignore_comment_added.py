"""A zizmor ignore comment was added to a workflow or action.

## What it does
Counts the `# zizmor: ignore[<audit>,…]` comments of each workflow and action file (zizmor drops
the audit's findings on the line the comment ends) and reports an audit that the file now ignores
more often than before, including in a new file. A comment that stays on its line through a
version bump of the action is not a new one; removing one is silent. A change that brings zizmor
in (the head starts it in a workflow, the pre-commit configuration or a task runner, and the base
nowhere) is a rollout: its ignore comments accept what zizmor finds in the existing workflows and
hide nothing the base checked, so they are silent. Ignores in `zizmor.yml` are
`scanner-suppression-added`'s.

## Why is this bad?
zizmor's audits catch the workflow weaknesses that lead to supply-chain compromise (unpinned
actions, template injection, persisted credentials). An ignore comment turns one off for that
line from inside the change that needs it, and a required zizmor check stays green.

## Example
```yaml
steps:
  - uses: actions/checkout@v4 # zizmor: ignore[unpinned-uses, artipacked]
```

## How to resolve
Fix what zizmor reports (pin the action, set `persist-credentials: false`), or approve the
finding with the reason the exception is safe.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.inline import Tool
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gates.inline_suppressions import STATUSES, WATCHES, hits


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    yield from hits(change, Tool.ZIZMOR, lambda c: f"a zizmor ignore comment for {c}")


RULE = Rule(
    code="SP005",
    name="zizmor-ignore-comment-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("github-actions",),
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
