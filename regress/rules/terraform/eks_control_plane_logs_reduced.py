"""EKS control-plane log types were dropped.

## What it does
Reports `enabled_cluster_log_types` of `aws_eks_cluster` losing any of `api`, `audit`,
`authenticator`, `controllerManager`, `scheduler`, and the terraform-aws-modules/eks argument
that reaches it.

## Why is this bad?
The audit and authenticator logs are the only record of who did what against the Kubernetes API.

## Example
```hcl
enabled_cluster_log_types = ["api", "audit"]   # → ["api"]
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

SPECS = (Attr(("aws_eks_cluster",), ("enabled_cluster_log_types",), lost_items, absent=None),)

RULE = Rule(
    code="TF107",
    name="eks-control-plane-logs-reduced",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
