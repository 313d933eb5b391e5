"""A VPC flow log was removed or narrowed.

## What it does
Reports a removed `aws_flow_log` (unless the VPC or subnet it watched went with it) and
`traffic_type` moving from `ALL` to `ACCEPT` or `REJECT`.

## Why is this bad?
Flow logs are the network record of a VPC: without them there is no trace of what talked to what
during an incident.

## Example
```hcl
resource "aws_flow_log" "vpc" { … }   # removed
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, ranks, removal_check, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = ("aws_flow_log", "google_compute_subnetwork_flow_log")

SPECS = (Attr(("aws_flow_log",), ("traffic_type",), ranks({"ALL": 0, "ACCEPT": 1, "REJECT": 1})),)

RULE = Rule(
    code="TF104",
    name="flow-log-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "a flow log")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
