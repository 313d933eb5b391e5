"""A notification subscription was removed.

## What it does
Reports a removed `aws_sns_topic_subscription` (a pager, e-mail or chat endpoint) unless its
topic went with it.

## Why is this bad?
The subscription is the last hop of an alert: alarms still fire into the topic, but nobody
receives them.

## Example
```hcl
resource "aws_sns_topic_subscription" "pager" { … }   # removed
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import attr_check, combine, removal_check, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = ("aws_sns_topic_subscription",)

SPECS = ()

RULE = Rule(
    code="TF117",
    name="notification-subscription-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "an alert notification path")),
    doc=__doc__ or "",
    statuses=frozenset({"removed"}),
)
