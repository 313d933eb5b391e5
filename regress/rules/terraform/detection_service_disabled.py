"""A threat-detection or configuration-recording service was turned off or removed.

## What it does
Reports GuardDuty `enable` going from true to false, an AWS Config recorder (or its status)
switched off or removed, and a GuardDuty detector, Security Hub standard subscription or
Inspector enabler removed (Security Hub is unverified as a rule in CATALOGUE TM-18).

## Why is this bad?
These services are the account's alarm system for compromise and drift; switching one off blinds
the security team.

## Example
```hcl
resource "aws_guardduty_detector" "main" {
  enable = true   # → false
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, removal_check, turned_off, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = (
    "aws_guardduty_detector",
    "aws_config_configuration_recorder",
    "aws_config_configuration_recorder_status",
    "aws_securityhub_standards_subscription",
    "aws_securityhub_account",
    "aws_inspector2_enabler",
)

SPECS = (
    Attr(("aws_guardduty_detector",), ("enable",), turned_off, absent=True),
    Attr(("aws_config_configuration_recorder_status",), ("is_enabled",), turned_off),
)

RULE = Rule(
    code="TF118",
    name="detection-service-disabled",
    category=Category.MONITORING,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "a detection service")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
