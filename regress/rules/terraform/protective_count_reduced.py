"""Fewer instances of a protective resource are created.

## What it does
Reports `count` going down (not to zero: that is a removal, reported by the removal rules) or
`for_each` losing keys, on replicas and protective resources: Aurora and DocumentDB cluster
instances, ElastiCache clusters, CloudWatch alarms and log metric filters, flow logs, SNS
subscriptions, backup selections, Route 53 health checks. `count` and `for_each` are evaluated
from literals, variable defaults and locals; an expression that cannot be evaluated is not judged.

## Why is this bad?
`count = 3` → `1` on database replicas removes the failover targets; on alarms it stops watching
two of three things. Such cuts hide in a variable default.

## Example
```hcl
count = 3   # → 1
```

## How to resolve
Keep the count, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Verdict, judge_branches
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_number, show
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

TYPES = (
    "aws_rds_cluster_instance",
    "aws_docdb_cluster_instance",
    "aws_neptune_cluster_instance",
    "aws_elasticache_cluster",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_log_metric_filter",
    "aws_flow_log",
    "aws_sns_topic_subscription",
    "aws_backup_selection",
    "aws_route53_health_check",
)


def _fewer(before: Any, after: Any) -> Verdict | None:
    b, a = as_number(before), as_number(after)
    if b is None or a is None or not 0 < a < b:
        return None
    return Verdict()


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    if "count" in after.body or "count" in before.body:
        b, a = before.body.get("count", 1), after.body.get("count", 1)
        for label, vb, va, _ in judge_branches(_fewer, b, a):
            yield Hit(
                message=f"{after.label}: count {show(vb)} → {show(va)}" + (f" ({label})" if label else ""),
                attr="count",
                head_route=("count",),
                base_route=("count",),
            )
    fb, fa = before.body.get("for_each"), after.body.get("for_each")
    kb, ka = _keys(fb), _keys(fa)
    if kb is not None and ka is not None and kb - ka:
        yield Hit(
            message=f"{after.label}: for_each keys removed: {', '.join(sorted(kb - ka))}",
            attr="for_each",
            head_route=("for_each",),
            base_route=("for_each",),
        )


def _keys(value: Any) -> set[str] | None:
    if isinstance(value, dict):
        return {str(k) for k in value}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return set(value)
    return None


RULE = Rule(
    code="TF212",
    name="protective-count-reduced",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
