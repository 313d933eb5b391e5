"""A changed file cannot be parsed, so the change cannot be verified.

## What it does
Reports a file on the head side that regress would analyse (a workflow, a manifest, a chart, a
Terraform module, …) but cannot read: invalid YAML or HCL, a file over the size limit, bytes that
are not text, an alias bomb, nesting deeper than 200 levels.

## Why is this bad?
A file regress cannot read is a file it cannot check. Letting it pass silently would make "break
the syntax" a way around every other rule; CI systems usually reject such files too, but often only
on the branch that runs them.

## Example
```yaml
# head: .github/workflows/ci.yml
jobs:
  test:
    steps:
      - run: pytest
     - run: echo misaligned
```

## How to resolve
Fix the file so it parses (the message gives the line), or approve the finding when the file is
intentionally not YAML (a template with its own syntax); better, exclude such files with
`paths.exclude` in `.regress.yml`.

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
    return ()  # raised by the engine when a unit cannot be loaded


RULE = Rule(
    code="REG001",
    name="unverifiable-file",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=("*",),
    watches=(),
    check=check,
    doc=__doc__ or "",
)
