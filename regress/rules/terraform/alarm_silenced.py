"""A CloudWatch alarm no longer notifies anyone.

## What it does
Reports an alarm whose `alarm_actions` were emptied, whose `actions_enabled` went from true
(the default) to false, or whose `ok_actions` / `insufficient_data_actions` were removed.

## Why is this bad?
An alarm without actions still changes state in the console, but nobody is paged, no ticket is
opened and no runbook automation runs: the alarm exists only on paper.

## Example
```hcl
# base                                   # head
alarm_actions = [aws_sns_topic.pager.arn]  alarm_actions = []
```

## How to resolve
Keep the alarm's actions, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TYPES = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")


def emptied(before: Any, after: Any) -> Verdict | None:
    if isinstance(before, list) and before and (after is None or after == []):
        return Verdict()
    return None


SPECS = (
    Attr(TYPES, ("alarm_actions",), emptied, absent=None),
    # Provider docs: actions_enabled defaults to true.
    Attr(TYPES, ("actions_enabled",), turned_off, absent=True),
    Attr(TYPES, ("ok_actions",), emptied, absent=None, severity=Severity.LOW),
    Attr(TYPES, ("insufficient_data_actions",), emptied, absent=None, severity=Severity.LOW),
)

RULE = Rule(
    code="TF113",
    name="alarm-silenced",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS, modules=False),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
