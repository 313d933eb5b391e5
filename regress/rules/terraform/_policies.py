"""Reading the policy documents a changed Terraform object carries, for the IAM rules."""

from __future__ import annotations

from typing import Any

from regress.kinds.terraform.policy import Statement, from_document, from_json
from regress.model import ModelObject

#: Resource types → the attribute holding a JSON policy.
POLICY_ATTRS: dict[str, str] = {
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_s3_bucket": "policy",
    "aws_sqs_queue_policy": "policy",
    "aws_sqs_queue": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_sns_topic": "policy",
    "aws_kms_key": "policy",
    "aws_ecr_repository_policy": "policy",
    "aws_secretsmanager_secret_policy": "policy",
    "aws_iam_role": "assume_role_policy",
}
DOCUMENT = "data.aws_iam_policy_document"


def statements(obj: ModelObject | None, attr: str | None = None) -> list[Statement] | None:
    """The statements of ``obj``'s policy (None when there is none or it is not known)."""
    if obj is None or not isinstance(obj.body, dict):
        return None
    if obj.type == DOCUMENT:
        return from_document(obj.body)
    name = attr or POLICY_ATTRS.get(obj.type)
    if name is None:
        return None
    value: Any = obj.body.get(name)
    if value is None:
        return []
    return from_json(value)
