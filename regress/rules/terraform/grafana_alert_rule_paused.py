"""A Grafana alert rule was paused or removed from its group.

## What it does
Matches the `rule` blocks of `grafana_rule_group` by name and reports one whose `is_paused` went
from false (the default) to true, and one removed while the group stays. Removing the whole
group is reported by `alert-condition-removed`.

## Why is this bad?
A paused rule is evaluated by no one: the failure it watches goes unnoticed.

## Example
```hcl
rule {
  name      = "High error rate"
  is_paused = false   # → true
}
```

## How to resolve
Unpause or keep the rule, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_bool, as_str, blocks
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS


def _rules(body: Any) -> dict[str, tuple[int, bool]]:
    out: dict[str, tuple[int, bool]] = {}
    for i, rule in enumerate(blocks(body, "rule")):
        name = as_str(rule.get("name"))
        if name:
            out[name] = (i, as_bool(rule.get("is_paused")) is True)
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    old, new = _rules(before.body), _rules(after.body)
    for name, (i, paused) in sorted(old.items()):
        if paused:
            continue
        now = new.get(name)
        if now is None:
            yield Hit(message=f"{after.label}: rule {name!r} removed", attr=f"rule:{name}", base_route=("rule", i))
        elif now[1]:
            yield Hit(
                message=f"{after.label}: rule {name!r} paused",
                attr=f"rule:{name}",
                head_route=("rule", now[0], "is_paused"),
                base_route=("rule", i),
            )


RULE = Rule(
    code="TF504",
    name="grafana-alert-rule-paused",
    category=Category.MONITORING,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "grafana_rule_group"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
