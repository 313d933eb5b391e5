"""A KICS ignore comment was added to Terraform, a Dockerfile or a Kubernetes manifest.

## What it does
Counts the KICS comments of each Terraform module folder, Dockerfile and manifest file —
`# kics-scan ignore` (the whole file is not scanned), `# kics-scan ignore-line`,
`# kics-scan ignore-block` and `# kics-scan disable=<query id>,…` — and reports one that the
scope now holds more often than before, including in a new file. Removing one is silent, and so
is moving a block with its comment between the files of a module.

## Why is this bad?
Each comment hides results of the scan from inside the change that needs it; `ignore` hides the
whole file. The scan stays green while the weakness it exists to catch goes in (CATALOGUE.md
§0.2.12: suppressions are findings).

## Example
```yaml
spec:
  containers:
    - name: agent
      securityContext:
        privileged: true # kics-scan ignore-line
```

## How to resolve
Fix what KICS reports, or approve the finding with the reason the exception is safe.

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


def describe(check: str) -> str:
    if check == "*":
        return "a KICS `ignore` comment (the whole file is not scanned)"
    if check in ("ignore-line", "ignore-block"):
        return f"a KICS `{check}` comment"
    return f"a KICS `disable` comment for query {check}"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    yield from hits(change, Tool.KICS, describe)


RULE = Rule(
    code="SP003",
    name="kics-ignore-comment-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("terraform", "dockerfile", "kubernetes", "cloudformation"),
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
