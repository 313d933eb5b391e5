"""A security group now lets the whole internet in.

## What it does
Collects, per security group, the ingress rules open to `0.0.0.0/0` or `::/0`, whether written
as inline `ingress` blocks, `aws_security_group_rule` or `aws_vpc_security_group_ingress_rule`
resources (a separate rule belongs to the group its `security_group_id` refers to), and reports
one that no base rule of the same group covered: a new world-open rule, an allow-list replaced
by `0.0.0.0/0`, a port range widened, `protocol = "-1"`. High severity for all ports and for
remote-administration and database ports. Moving a rule verbatim between files or between the
inline and separate forms is silent, and so is deleting a group with its rules.

## Why is this bad?
Every port open to the internet is scanned within minutes; SSH, RDP and database ports are the
first things attackers try.

## Example
```hcl
ingress {
  from_port   = 22
  to_port     = 22
  protocol    = "tcp"
  cidr_blocks = ["10.0.0.0/8"]   # → ["0.0.0.0/0"]
}
```

## How to resolve
Limit the sources to the addresses that need access, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS
from regress.rules.terraform._exposure import exposure_check

TYPES = ("aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule")

RULE = Rule(
    code="TF001",
    name="security-group-ingress-opened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in TYPES),
    check=exposure_check(frozenset({"ingress"}), existing_groups_only=False),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
