"""An ECS service runs fewer tasks or lost its deployment rollback.

## What it does
Reports `desired_count` of `aws_ecs_service` going down, unless Application Auto Scaling owns it
(`desired_count` in `lifecycle.ignore_changes`, or an `aws_appautoscaling_target` for ECS in the
same module), `deployment_circuit_breaker.rollback` going from true to false, and
`deployment_minimum_healthy_percent` going down.

## Why is this bad?
Fewer tasks are less headroom and no redundancy; without the circuit breaker's rollback a failed
deployment stays deployed.

## Example
```hcl
desired_count = 4   # → 2
```

## How to resolve
Keep the capacity and rollback, let autoscaling own the count, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, lowered, turned_off, watches
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_str
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS
from regress.rules.terraform.capacity_reduced import ignored

ECS = ("aws_ecs_service",)
SPECS = (
    Attr(ECS, ("deployment_circuit_breaker", "rollback"), turned_off),
    Attr(ECS, ("deployment_minimum_healthy_percent",), lowered, absent=100),
)
COUNT = (Attr(ECS, ("desired_count",), lowered, absent=0),)
_specs = attr_check(SPECS)
_count = attr_check(COUNT)


def autoscaled(change: Change, ctx: RuleContext) -> bool:
    after = change.after
    if after is None:
        return False
    if ignored(after.body, "desired_count"):
        return True
    for target in ctx.head.of_type(FAMILY, "aws_appautoscaling_target"):
        if target.key[0] == after.key[0] and (as_str(target.body.get("service_namespace")) or "") == "ecs":
            return True
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    yield from _specs(change, ctx)
    if not autoscaled(change, ctx):
        yield from _count(change, ctx)


RULE = Rule(
    code="TF210",
    name="ecs-service-capacity-reduced",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS, modules=False),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
