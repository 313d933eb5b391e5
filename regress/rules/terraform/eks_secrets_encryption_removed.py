"""EKS envelope encryption of Kubernetes secrets was removed.

## What it does
Reports an `aws_eks_cluster` whose `encryption_config` no longer lists `secrets` in its
`resources`.

## Why is this bad?
Without envelope encryption, Kubernetes secrets are protected only by the default etcd
encryption; a KMS key adds an access control and an audit trail.

## Example
```hcl
encryption_config {
  resources = ["secrets"]   # block removed
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lost_items, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (Attr(("aws_eks_cluster",), ("encryption_config", "resources"), lost_items, absent=None),)

RULE = Rule(
    code="TF014",
    name="eks-secrets-encryption-removed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
