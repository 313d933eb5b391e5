"""A security group's egress or a network ACL was opened to the whole internet.

## What it does
Reports, for groups and network ACLs that already existed, a new egress rule to `0.0.0.0/0` or
`::/0` (inline, `aws_security_group_rule` or `aws_vpc_security_group_egress_rule`) and a new
network ACL `allow` entry for the world, in either direction (inline or `aws_network_acl_rule`),
that no base rule covered. New groups are not reported for egress: open egress is the AWS default.

## Why is this bad?
Unrestricted egress is how compromised workloads reach their command-and-control servers and
exfiltrate data; a world-open ACL entry removes the subnet-level guard.

## Example
```hcl
egress {
  protocol    = "-1"
  from_port   = 0
  to_port     = 0
  cidr_blocks = ["10.0.0.0/8"]   # → ["0.0.0.0/0"]
}
```

## How to resolve
Keep egress limited to what the workload calls, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS
from regress.rules.terraform._exposure import exposure_check

TYPES = (
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
)

RULE = Rule(
    code="TF002",
    name="egress-or-nacl-opened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in TYPES),
    check=exposure_check(frozenset({"egress", "nacl-ingress", "nacl-egress"}), existing_groups_only=True),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
