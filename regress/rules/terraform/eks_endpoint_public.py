"""The EKS API endpoint became public, or open to more addresses.

## What it does
Reports `vpc_config.endpoint_public_access` becoming true (the provider default is true, so
removing `false` opens it) and `public_access_cidrs` gaining `0.0.0.0/0`, and the terraform-aws-
modules/eks arguments that reach them.

## Why is this bad?
A public Kubernetes API endpoint can be attacked from anywhere: credential stuffing, API server
vulnerabilities, leaked kubeconfigs.

## Example
```hcl
vpc_config {
  endpoint_public_access = false   # → true
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, gains_world, turned_on, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_eks_cluster",), ("vpc_config", "endpoint_public_access"), turned_on, absent=True),
    Attr(("aws_eks_cluster",), ("vpc_config", "public_access_cidrs"), gains_world, absent=["0.0.0.0/0"]),
)

RULE = Rule(
    code="TF013",
    name="eks-endpoint-public",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
