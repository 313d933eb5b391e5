"""A CloudWatch alarm was removed.

## What it does
Reports a removed `aws_cloudwatch_metric_alarm` or `aws_cloudwatch_composite_alarm`, an alarm
whose `count` drops to 0 (a toggle switched off, a variable default flipped), and a removed call
of a module that creates alarms. Alarms renamed while they watch the same metric of the same
resource are paired, not removed (the other alarm rules then compare them). An alarm removed
together with the resource it watches (its dimensions or inputs refer to it) is silent: the
owner went, and the alarm with it.

## Why is this bad?
An alarm is how a failure reaches a person. Deleting one leaves the failure it watched for
unnoticed, and nothing in the pipeline says so.

## Example
```hcl
# base                                                   # head
resource "aws_cloudwatch_metric_alarm" "db_cpu" { … }     (removed)
```

## How to resolve
Keep the alarm, replace it with an equivalent one, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import removal_check
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TYPES = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")

RULE = Rule(
    code="TF112",
    name="alarm-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in (*TYPES, "module")),
    check=removal_check(TYPES, "an alarm"),
    doc=__doc__ or "",
    statuses=frozenset({"removed", "modified", "renamed"}),
)
