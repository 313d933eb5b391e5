"""A GCP firewall rule now lets the whole internet in.

## What it does
Reports a `google_compute_firewall` (direction `INGRESS` by default) whose `source_ranges` admit
`0.0.0.0/0` for ports or protocols that no base version of the rule admitted: a new world-open
rule, an allow-list replaced, ports added. High severity for all ports and for SSH, RDP and
database ports.

## Why is this bad?
Ports open to the internet are scanned within minutes; SSH and RDP are the first tried.

## Example
```hcl
source_ranges = ["35.235.240.0/20"]   # → ["0.0.0.0/0"]
```

## How to resolve
Limit the source ranges (Identity-Aware Proxy's range for SSH), or approve the finding.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS
from regress.rules.terraform._exposure import exposure_check

RULE = Rule(
    code="TF303",
    name="gcp-firewall-opened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "google_compute_firewall"),),
    check=exposure_check(frozenset({"ingress"}), existing_groups_only=False),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
