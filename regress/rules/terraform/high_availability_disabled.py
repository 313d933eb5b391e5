"""High availability was turned off.

## What it does
Reports `multi_az` going from true to false on RDS instances (also through module arguments),
ElastiCache `multi_az_enabled` and `automatic_failover_enabled` going from true to false and
`num_cache_clusters` going down, Amazon MQ `deployment_mode` leaving a multi-AZ mode, and
OpenSearch `zone_awareness_enabled` going from true to false.

## Why is this bad?
Without a standby in another zone, a zone outage or a failed instance takes the service down
until it is rebuilt.

## Example
```hcl
multi_az = true   # → false
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lowered, ranks, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

EC = ("aws_elasticache_replication_group",)
SEARCH = ("aws_opensearch_domain", "aws_elasticsearch_domain")
MQ = {"ACTIVE_STANDBY_MULTI_AZ": 0, "CLUSTER_MULTI_AZ": 0, "SINGLE_INSTANCE": 1}

SPECS = (
    Attr(("aws_db_instance",), ("multi_az",), turned_off, absent=False),
    Attr(EC, ("multi_az_enabled",), turned_off, absent=False),
    Attr(EC, ("automatic_failover_enabled",), turned_off, absent=False),
    Attr(EC, ("num_cache_clusters",), lowered),
    Attr(("aws_mq_broker",), ("deployment_mode",), ranks(MQ), absent="SINGLE_INSTANCE"),
    Attr(SEARCH, ("cluster_config", "zone_awareness_enabled"), turned_off, absent=False),
)

RULE = Rule(
    code="TF208",
    name="high-availability-disabled",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
