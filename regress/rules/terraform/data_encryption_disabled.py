"""Encryption of a queue, topic, table, stream or file system was turned off.

## What it does
Reports SQS `sqs_managed_sse_enabled` going from true to false and `kms_master_key_id` removed
(SQS, SNS), DynamoDB `server_side_encryption.enabled`, Redshift and EFS `encrypted` going from
true to false, Kinesis `encryption_type` going from `KMS` to `NONE`, and MSK client-broker
encryption moving from `TLS` towards `PLAINTEXT`. (CATALOGUE TA-27 marks the names unverified.)

## Why is this bad?
Messages, items and files end up stored or sent unencrypted, outside the key policies that
limited who could read them.

## Example
```hcl
kms_master_key_id = aws_kms_key.queue.arn   # removed
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, removed_value, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_sqs_queue",), ("sqs_managed_sse_enabled",), turned_off),
    Attr(("aws_sqs_queue", "aws_sns_topic"), ("kms_master_key_id",), removed_value, absent=None),
    Attr(("aws_dynamodb_table",), ("server_side_encryption", "enabled"), turned_off),
    Attr(("aws_redshift_cluster", "aws_efs_file_system"), ("encrypted",), turned_off, absent=False),
    Attr(("aws_kinesis_stream",), ("encryption_type",), ranks({"KMS": 0, "NONE": 1}), absent="NONE"),
    Attr(
        ("aws_msk_cluster",),
        ("encryption_info", "encryption_in_transit", "client_broker"),
        ranks({"TLS": 0, "TLS_PLAINTEXT": 1, "PLAINTEXT": 2}),
        absent="TLS",
    ),
)

RULE = Rule(
    code="TF027",
    name="data-encryption-disabled",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
