"""An S3 public access block was weakened or removed.

## What it does
Reports any of `block_public_acls`, `block_public_policy`, `ignore_public_acls` and
`restrict_public_buckets` going from true to false (or absent: the provider default is false) on
`aws_s3_bucket_public_access_block` and `aws_s3_account_public_access_block`, and such a
resource removed while its bucket stays. Module arguments of terraform-aws-modules/s3-bucket
count too.

## Why is this bad?
The public access block is the guard that keeps a bucket private even when an ACL or a bucket
policy says otherwise. Without it one mistaken policy exposes the data.

## Example
```hcl
resource "aws_s3_bucket_public_access_block" "b" {
  block_public_policy = true   # → false
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, removal_check, turned_off, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TYPES = ("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")

REMOVED = ("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")

SPECS = (
    Attr(TYPES, ("block_public_acls",), turned_off, absent=False),
    Attr(TYPES, ("block_public_policy",), turned_off, absent=False),
    Attr(TYPES, ("ignore_public_acls",), turned_off, absent=False),
    Attr(TYPES, ("restrict_public_buckets",), turned_off, absent=False),
)

RULE = Rule(
    code="TF003",
    name="s3-public-access-block-weakened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "a public access block")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
