"""An alert condition of a monitoring provider became less sensitive.

## What it does
Compares critical thresholds by the condition's own operator: New Relic NRQL conditions
(`critical { operator, threshold, threshold_duration }`) and legacy conditions (`term` blocks
with `priority = "critical"`), where a higher threshold on `above`/`above_or_equals` and a lower
one on `below`/`below_or_equals` are weaker, and a longer `threshold_duration`/`duration` is
weaker; and Datadog monitors, whose `monitor_thresholds.critical` is judged by the comparison in
the `query` (`>`/`>=` or `<`/`<=`; unverified for every monitor type). A *lower* threshold on
an `above` condition is stricter and stays silent.

## Why is this bad?
A threshold moved away from the alert direction fires later or never: it is a monitoring cut
that reads like tuning.

## Example
```hcl
critical {
  operator  = "above"
  threshold = 90   # → 99
}
```

## How to resolve
Keep the sensitivity, or approve the finding with the reasoning.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Verdict, judge_branches, renamed_note
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_number, as_str, blocks, first_block, show
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

NR = ("newrelic_nrql_alert_condition", "newrelic_alert_condition", "newrelic_infra_alert_condition")
#: New Relic operators: +1 fires above the threshold, -1 below.
_SIGN = {"above": 1, "above_or_equals": 1, "below": -1, "below_or_equals": -1}
_DD_OP = re.compile(r"(>=|<=|>|<)\s*-?[0-9.]+\s*$")


def _critical(body: Any) -> tuple[dict[str, Any] | None, Route]:
    blk = first_block(body, "critical")
    if blk is not None:
        return blk, ("critical", 0)
    for i, term in enumerate(blocks(body, "term")):
        if (as_str(term.get("priority")) or "critical").lower() == "critical":
            return term, ("term", i)
    return None, ()


def _away(sign: int) -> Any:
    def judge(before: Any, after: Any) -> Verdict | None:
        b, a = as_number(before), as_number(after)
        if b is None or a is None:
            return None
        return Verdict() if (a - b) * sign > 0 else None

    return judge


def _nr(change: Change) -> Iterator[Hit]:
    before, after = change.before, change.after
    assert before is not None and after is not None
    cb, rb = _critical(before.body)
    ca, ra = _critical(after.body)
    if cb is None or ca is None:
        return
    sign = _SIGN.get((as_str(ca.get("operator")) or "above").lower(), 0)
    if sign and _SIGN.get((as_str(cb.get("operator")) or "above").lower(), 0) == sign:
        for label, tb, ta, _ in judge_branches(_away(sign), cb.get("threshold"), ca.get("threshold")):
            yield Hit(
                message=f"{after.label}: critical threshold {show(tb)} → {show(ta)} on an "
                f"{as_str(ca.get('operator')) or 'above'} condition"
                + (f" ({label})" if label else "")
                + renamed_note(change),
                attr="critical.threshold",
                head_route=(*ra, "threshold"),
                base_route=(*rb, "threshold"),
            )
    for key in ("threshold_duration", "duration"):
        db, da = as_number(cb.get(key)), as_number(ca.get(key))
        if db is not None and da is not None and da > db:
            yield Hit(
                message=f"{after.label}: critical {key} {db} → {da}{renamed_note(change)}",
                attr=f"critical.{key}",
                head_route=(*ra, key),
                base_route=(*rb, key),
            )


def _datadog(change: Change) -> Iterator[Hit]:
    before, after = change.before, change.after
    assert before is not None and after is not None
    mb, ma = _dd_sign(before.body), _dd_sign(after.body)
    if not ma or ma != mb:
        return
    tb = (first_block(before.body, "monitor_thresholds") or {}).get("critical")
    ta = (first_block(after.body, "monitor_thresholds") or {}).get("critical")
    for label, vb, va, _ in judge_branches(_away(ma), tb, ta):
        yield Hit(
            message=f"{after.label}: critical threshold {show(vb)} → {show(va)}" + (f" ({label})" if label else ""),
            attr="monitor_thresholds.critical",
            head_route=("monitor_thresholds", 0, "critical"),
            base_route=("monitor_thresholds", 0, "critical"),
        )


def _dd_sign(body: Any) -> int:
    m = _DD_OP.search(as_str(body.get("query")) or "")
    if not m:
        return 0
    return 1 if m.group(1).startswith(">") else -1


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    if change.after.type == "datadog_monitor":
        yield from _datadog(change)
    else:
        yield from _nr(change)


RULE = Rule(
    code="TF502",
    name="alert-condition-less-sensitive",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in (*NR, "datadog_monitor")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
