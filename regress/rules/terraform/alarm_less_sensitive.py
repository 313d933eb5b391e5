"""A CloudWatch alarm became less sensitive.

## What it does
Compares what it takes for an alarm to fire:

- datapoints: `datapoints_to_alarm` (absent: equal to `evaluation_periods`) going up, so more
  breaching datapoints are needed ("1 of 1" → "5 of 5");
- `period` going up (each datapoint covers longer);
- the threshold moving away from the alarm's direction: up for `GreaterThanThreshold` and
  `GreaterThanOrEqualToThreshold`, down for `LessThan…` (a *lower* threshold on a `>=` alarm is
  stricter and stays silent);
- `treat_missing_data` moving from `breaching` towards `notBreaching`
  (breaching < missing < ignore < notBreaching).

Renamed alarms that watch the same metric are compared too.

## Why is this bad?
A less sensitive alarm fires later or not at all. Buried in a rename or a "tuning" commit, it is
a monitoring regression a reviewer easily misses.

## Example
```hcl
# base                      # head
evaluation_periods = 1      evaluation_periods = 5
threshold          = 80     threshold          = 95   # GreaterThanThreshold
```

## How to resolve
Keep the sensitivity, or approve the finding with the reasoning (a noisy alarm).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Verdict, judge_branches, renamed_note
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_number, as_str, show
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

TYPES = ("aws_cloudwatch_metric_alarm",)
#: AWS docs, PutMetricAlarm: how missing data is treated, most alarming first.
MISSING_ORDER = {"breaching": 0, "missing": 1, "ignore": 2, "notbreaching": 3}


def direction(operator: Any) -> int:
    """+1 when the alarm fires above the threshold, -1 below, 0 otherwise (anomaly bands)."""
    op = (as_str(operator) or "").lower()
    if op in ("greaterthanthreshold", "greaterthanorequaltothreshold"):
        return 1
    if op in ("lessthanthreshold", "lessthanorequaltothreshold"):
        return -1
    return 0


def _datapoints(body: dict[str, Any]) -> tuple[Any, Any]:
    periods = as_number(body.get("evaluation_periods"))
    points = as_number(body.get("datapoints_to_alarm"))
    return (points if points is not None else periods), periods


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    note = renamed_note(change)
    b, a = before.body, after.body
    pb, nb = _datapoints(b)
    pa, na = _datapoints(a)
    if pb is not None and pa is not None and pa > pb:
        yield Hit(
            message=f"{after.label}: needs {pa} of {na} breaching datapoints, was {pb} of {nb}{note}",
            attr="datapoints_to_alarm",
            head_route=("datapoints_to_alarm",) if "datapoints_to_alarm" in a else ("evaluation_periods",),
            base_route=("evaluation_periods",),
            before=pb,
            after=pa,
        )
    per_b, per_a = as_number(b.get("period")), as_number(a.get("period"))
    if per_b is not None and per_a is not None and per_a > per_b:
        yield Hit(
            message=f"{after.label}: period {per_b} s → {per_a} s{note}",
            attr="period",
            head_route=("period",),
            base_route=("period",),
            before=per_b,
            after=per_a,
        )
    sign = direction(a.get("comparison_operator"))
    if sign and direction(b.get("comparison_operator")) == sign:
        for label, tb, ta, _ in judge_branches(lambda x, y: _away(x, y, sign), b.get("threshold"), a.get("threshold")):
            word = "raised" if sign > 0 else "lowered"
            message = (
                f"{after.label}: threshold {word} {show(tb)} → {show(ta)} on a {a.get('comparison_operator')} alarm"
            )
            yield Hit(
                message=message + (f" ({label})" if label else "") + note,
                attr="threshold",
                head_route=("threshold",),
                base_route=("threshold",),
                before=tb,
                after=ta,
            )
    mb = MISSING_ORDER.get((as_str(b.get("treat_missing_data")) or "missing").lower())
    ma = MISSING_ORDER.get((as_str(a.get("treat_missing_data")) or "missing").lower())
    if mb is not None and ma is not None and ma > mb:
        yield Hit(
            message=(
                f"{after.label}: treat_missing_data {show(b.get('treat_missing_data') or 'missing')} → "
                f"{show(a.get('treat_missing_data') or 'missing')}{note}"
            ),
            attr="treat_missing_data",
            head_route=("treat_missing_data",),
            base_route=("treat_missing_data",),
            severity=Severity.LOW,
        )


def _away(before: Any, after: Any, sign: int) -> Verdict | None:
    b, a = as_number(before), as_number(after)
    if b is None or a is None:
        return None
    return Verdict() if (a - b) * sign > 0 else None


RULE = Rule(
    code="TF115",
    name="alarm-less-sensitive",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
