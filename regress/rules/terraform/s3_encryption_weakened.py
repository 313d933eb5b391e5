"""S3 default encryption was downgraded.

## What it does
Reports the default `sse_algorithm` moving down (`aws:kms:dsse` > `aws:kms` > `AES256`) in
`aws_s3_bucket_server_side_encryption_configuration` or the legacy inline block, and the
customer KMS key (`kms_master_key_id`) removed. `bucket_key_enabled` is not an encryption
setting and is ignored.

## Why is this bad?
Moving from a customer KMS key to S3-managed keys removes the key policy as a second access
control and the CloudTrail record of every decrypt.

## Example
```hcl
sse_algorithm = "aws:kms"   # → "AES256"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, removed_value, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SSE = ("rule", "apply_server_side_encryption_by_default")
ORDER = {"aws:kms:dsse": 0, "aws:kms": 1, "AES256": 2}

SPECS = (
    Attr(("aws_s3_bucket_server_side_encryption_configuration",), (*SSE, "sse_algorithm"), ranks(ORDER)),
    Attr(
        ("aws_s3_bucket_server_side_encryption_configuration",),
        (*SSE, "kms_master_key_id"),
        removed_value,
        absent=None,
    ),
    Attr(("aws_s3_bucket",), ("server_side_encryption_configuration", *SSE, "sse_algorithm"), ranks(ORDER)),
)

RULE = Rule(
    code="TF006",
    name="s3-encryption-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
