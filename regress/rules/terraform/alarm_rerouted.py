"""A CloudWatch alarm now notifies a lower-severity destination.

## What it does
Ranks each alarm's `alarm_actions` by the severity their names say (`critical`, `pager`, `p1`,
`urgent`, `sev1` above `high`; `warning`, `p2`, `medium` below; `info`, `low`, `p3` lowest) and
reports an alarm whose most severe action went down: `[var.sns_alert_critical_arn]` →
`[var.sns_alert_warning_arn]`. Renamed alarms are compared too: an alarm renamed from
`*-critical` to `*-warning` and rerouted is found.

## Why is this bad?
Rerouting from a paging topic to a warning channel means the failure no longer wakes anyone up;
it is a quiet downgrade of the alert, often hidden in a rename.

## Example
```hcl
# base                                        # head
alarm_actions = [var.sns_alert_critical_arn]  alarm_actions = [var.sns_alert_warning_arn]
```

## How to resolve
Keep the alarm on its paging destination, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TYPES = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")

#: Words that name a destination's severity, most severe first.
LEVELS = (
    ("critical", "crit", "pager", "pagerduty", "opsgenie", "page", "p1", "sev1", "urgent", "emergency"),
    ("high", "major", "error", "p2", "sev2"),
    ("warning", "warn", "medium", "minor", "p3", "sev3"),
    ("info", "low", "notice", "notification", "p4", "p5", "sev4"),
)
_WORD = re.compile(r"[a-z0-9]+")


def level(action: Any) -> int | None:
    """0 for the most severe destination; None when the name says nothing."""
    words = set(_WORD.findall(str(action).lower()))
    for i, names in enumerate(LEVELS):
        if words & set(names):
            return i
    return None


def _top(actions: Any) -> tuple[int | None, str]:
    if not isinstance(actions, list):
        return None, ""
    ranked = [(level(a), str(a)) for a in actions]
    known = [(lv, text) for lv, text in ranked if lv is not None]
    if not known:
        return None, ""
    return min(known)


def downgraded(before: Any, after: Any) -> Verdict | None:
    b, _ = _top(before)
    a, _ = _top(after)
    if b is None or a is None or a <= b:
        return None
    return Verdict(f"most severe destination {LEVELS[b][0]} → {LEVELS[a][0]}")


SPECS = (Attr(TYPES, ("alarm_actions",), downgraded, absent=None),)

RULE = Rule(
    code="TF114",
    name="alarm-rerouted-lower-severity",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS, modules=False),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
