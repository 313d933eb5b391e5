"""A Trivy ignore comment was added to Terraform, a Dockerfile, a manifest or a CloudFormation template.

## What it does
Counts the `#trivy:ignore:<ID>` comments (Trivy's inline filter: the comment on the line before
a block or attribute silences that check for it; `:exp:`, `:ws:` and attribute selectors may
follow the ID) of each Terraform module folder, Dockerfile, manifest file and CloudFormation
template in YAML, and reports a check that is now ignored more often than before, including in a
new file. A comment that moves with its resource between the files of a module is not a new one;
removing one is silent. An expiry date is not read: an ignore is counted until the comment goes.

## Why is this bad?
An ignore comment switches a misconfiguration check off for the code beside it from inside the
change that needs it: the scan stays green while the weakness it exists to catch goes in
(CATALOGUE.md §0.2.12: suppressions are findings).

## Example
```hcl
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}
```

## How to resolve
Fix what the check reports, or approve the finding with the reason the exception is safe.

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
    yield from hits(change, Tool.TRIVY, lambda c: f"a Trivy ignore comment for {c}")


RULE = Rule(
    code="SP002",
    name="trivy-ignore-comment-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("terraform", "dockerfile", "kubernetes", "cloudformation"),
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
