"""A Checkov skip comment was added to Terraform, a Dockerfile or a CloudFormation template.

## What it does
Counts the `#checkov:skip=<CHECK_ID>` comments of each Terraform module folder, Dockerfile and
CloudFormation template in YAML (Checkov skips a check for the resource the comment is in, or for
the whole Dockerfile) and reports a check that is now skipped more often than before, including in
a new file. A resource renamed or moved between the files of a module with its comment is not a new
skip; removing one is silent. Checkov's Kubernetes annotations (`checkov.io/skip<N>`) are
`scanner-ignore-annotation-added`'s, and skips in a CloudFormation resource's `Metadata`
`cfn-metadata-suppression-added`'s.

## Why is this bad?
A skip comment switches a security check off for the code beside it from inside the change that
needs it: the scanner stays green while the weakness it exists to catch goes in (CATALOGUE.md
§0.2.12: suppressions are findings).

## Example
```hcl
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_18:access logs of the log bucket itself
  bucket = "acme-logs"
}
```

## How to resolve
Fix what the check reports, or approve the finding with the reason the exception is safe (the
comment's own reason is a good start).

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
    yield from hits(change, Tool.CHECKOV, lambda c: f"a Checkov skip comment for {c}")


RULE = Rule(
    code="SP001",
    name="checkov-skip-comment-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("terraform", "dockerfile", "cloudformation"),
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
