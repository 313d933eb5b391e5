"""An S3 bucket ACL now grants access to everyone.

## What it does
Ranks canned ACLs (`private`, `bucket-owner-*`, `log-delivery-write` < `authenticated-read` <
`public-read` < `public-read-write`) on `aws_s3_bucket` and `aws_s3_bucket_acl` and reports a
move towards public, including a new bucket or ACL resource created public.

## Why is this bad?
A public ACL lets anyone on the internet list or read (or write) the bucket. `authenticated-
read` means any AWS account, not yours.

## Example
```hcl
acl = "private"   # → "public-read"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

ORDER = {
    "private": 0,
    "bucket-owner-read": 0,
    "bucket-owner-full-control": 0,
    "log-delivery-write": 0,
    "aws-exec-read": 0,
    "authenticated-read": 1,
    "public-read": 2,
    "public-read-write": 3,
}

SPECS = (Attr(("aws_s3_bucket", "aws_s3_bucket_acl"), ("acl",), ranks(ORDER), absent="private", on_add=True),)

RULE = Rule(
    code="TF004",
    name="s3-acl-public",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "added"}),
)
