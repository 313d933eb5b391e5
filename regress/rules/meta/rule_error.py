"""A rule failed on a changed object, so that object is not verified.

## What it does
When a rule raises an error on some input, regress reports it as a finding on the object that was
being checked, in the failing rule's category, and goes on with the other rules.

## Why is this bad?
A crash must not turn into a pass: the object the rule could not judge may well contain the very
weakening the rule looks for.

## Example
```text
rule replicas-reduced (K8S022) failed on Deployment prod/web: TypeError: …
```

## How to resolve
Report the message to the regress maintainers with the file that triggered it. Approve the finding
once a reviewer has checked the object by hand.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterable

from regress.findings import Category, Severity
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext


def check(change: Change, ctx: RuleContext) -> Iterable[Hit]:
    del change, ctx
    return ()  # raised by the engine when another rule fails


RULE = Rule(
    code="REG002",
    name="rule-failed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("*",),
    watches=(),
    check=check,
    doc=__doc__ or "",
)
