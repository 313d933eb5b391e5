"""A resource policy now allows anyone.

## What it does
Reads resource policies (S3 bucket, SQS queue, SNS topic, KMS key, ECR repository and Secrets
Manager secret policies, as JSON, `jsonencode(…)` or `aws_iam_policy_document` data sources) and
reports a new Allow statement for `Principal: "*"` (or `{"AWS": "*"}`) without a condition,
including a condition (`aws:SourceArn`, `aws:PrincipalOrgID`, `aws:SecureTransport`…) removed
from such a statement. (Condition semantics beyond "present or not" are CATALOGUE TA-05's
unverified part and are not judged.)

## Why is this bad?
`Principal: "*"` without a condition means every AWS account, and for S3 anonymous internet
users too: the data or the key is public.

## Example
```hcl
Principal = { AWS = "arn:aws:iam::111122223333:root" }   # → "*"
```

## How to resolve
Name the principals, or keep the narrowing condition; or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.policy import new_statements
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS
from regress.rules.terraform._policies import DOCUMENT, statements

TYPES = (
    "aws_s3_bucket_policy",
    "aws_s3_bucket",
    "aws_sqs_queue_policy",
    "aws_sqs_queue",
    "aws_sns_topic_policy",
    "aws_sns_topic",
    "aws_kms_key",
    "aws_ecr_repository_policy",
    "aws_secretsmanager_secret_policy",
    DOCUMENT,
)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    after = change.after
    head = statements(after)
    if after is None or head is None:
        return
    base = (statements(change.before) or []) if change.before is not None else []
    route = ("statement",) if after.type == DOCUMENT else ("policy",)
    for st in new_statements(base, head):
        if st.public:
            actions = ", ".join(sorted(st.actions)) or "(NotAction)"
            yield Hit(
                message=f'{after.label}: allows Principal "*" without a condition: {actions}',
                attr="public:" + actions,
                head_route=route,
            )


RULE = Rule(
    code="TF005",
    name="resource-policy-public",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
