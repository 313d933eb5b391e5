"""Capacity of an autoscaling group, node group or managed cluster was cut.

## What it does
Reports `min_size` and `desired_capacity` of `aws_autoscaling_group` going down (a desired
capacity listed in `lifecycle.ignore_changes` is owned by autoscaling and not judged), fewer
subnets in `vpc_zone_identifier`, EKS node group `scaling_config.min_size`/`desired_size` going
down, OpenSearch `cluster_config.instance_count` and `zone_awareness_config.availability_zone_count`
going down, MSK `number_of_broker_nodes` and ElastiCache `num_cache_nodes` going down. Raised
capacity is silent.

## Why is this bad?
Less capacity is less headroom for load and for losing an instance or a zone; scanners check
minimums (at least 2), not cuts from 6 to 2.

## Example
```hcl
min_size = 3   # → 1
```

## How to resolve
Keep the capacity, or approve the finding with the capacity reasoning.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, lowered, watches
from regress.kinds.terraform.values import blocks
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

ASG = ("aws_autoscaling_group",)
SEARCH = ("aws_opensearch_domain", "aws_elasticsearch_domain")


def fewer(before: Any, after: Any) -> Verdict | None:
    if isinstance(before, list) and isinstance(after, list) and len(after) < len(before):
        return Verdict(f"{len(before)} → {len(after)} subnets")
    return None


SPECS = (
    Attr(ASG, ("min_size",), lowered),
    Attr(ASG, ("vpc_zone_identifier",), fewer),
    Attr(("aws_eks_node_group",), ("scaling_config", "min_size"), lowered),
    Attr(("aws_eks_node_group",), ("scaling_config", "desired_size"), lowered),
    Attr(SEARCH, ("cluster_config", "instance_count"), lowered),
    Attr(SEARCH, ("cluster_config", "zone_awareness_config", "availability_zone_count"), lowered, absent=2),
    Attr(("aws_msk_cluster",), ("number_of_broker_nodes",), lowered),
    Attr(("aws_elasticache_cluster",), ("num_cache_nodes",), lowered),
)
DESIRED = (Attr(ASG, ("desired_capacity",), lowered),)
_specs = attr_check(SPECS)
_desired = attr_check(DESIRED)


def ignored(body: Any, name: str) -> bool:
    """``lifecycle { ignore_changes = [name] }``: something else (autoscaling) owns it."""
    for life in blocks(body, "lifecycle"):
        value = life.get("ignore_changes")
        items = value if isinstance(value, list) else [value]
        if any(str(i).strip('"') in (name, "all") for i in items):
            return True
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    yield from _specs(change, ctx)
    after = change.after
    if after is not None and after.type in ASG and not ignored(after.body, "desired_capacity"):
        yield from _desired(change, ctx)


RULE = Rule(
    code="TF209",
    name="capacity-reduced",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
