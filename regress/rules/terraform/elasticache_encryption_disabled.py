"""ElastiCache encryption or authentication was turned off.

## What it does
Reports `at_rest_encryption_enabled` or `transit_encryption_enabled` going from true to false or
absent on replication groups and serverless caches, and an `auth_token` removed.

## Why is this bad?
Without transit encryption cache traffic (often session tokens) crosses the network in clear
text; without an auth token anything in the VPC can read and write the cache.

## Example
```hcl
transit_encryption_enabled = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, removed_value, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TYPES = ("aws_elasticache_replication_group", "aws_elasticache_cluster")

SPECS = (
    Attr(TYPES, ("at_rest_encryption_enabled",), turned_off, absent=False),
    Attr(TYPES, ("transit_encryption_enabled",), turned_off, absent=False),
    Attr(TYPES, ("auth_token",), removed_value, absent=None),
)

RULE = Rule(
    code="TF019",
    name="elasticache-encryption-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
