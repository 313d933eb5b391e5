"""A health check was removed or loosened.

## What it does
Reports a removed `aws_route53_health_check` (unless what it checked went with it), and target
group `health_check` blocks that are disabled or need more checks or longer intervals to act
(`healthy_threshold`, `unhealthy_threshold`, `interval` going up).

## Why is this bad?
Health checks decide when traffic stops going to a broken target and when DNS fails over;
loosening them keeps broken targets in service longer.

## Example
```hcl
health_check {
  interval = 10   # → 60
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, raised, removal_check, turned_off, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TG = ("aws_lb_target_group", "aws_alb_target_group")

REMOVED = ("aws_route53_health_check",)

SPECS = (
    Attr(TG, ("health_check", "enabled"), turned_off, absent=True),
    Attr(TG, ("health_check", "unhealthy_threshold"), raised),
    Attr(TG, ("health_check", "healthy_threshold"), raised, severity=Severity.LOW),
    Attr(TG, ("health_check", "interval"), raised),
)

RULE = Rule(
    code="TF119",
    name="health-check-weakened",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "a health check")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
