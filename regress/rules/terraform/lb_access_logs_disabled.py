"""Access logging was turned off.

## What it does
Reports `access_logs.enabled` going from true to false on load balancers (`aws_lb`: default
false; `aws_elb`: default true), a removed `aws_s3_bucket_logging` (unless its bucket went with
it), CloudFront `logging_config` removed and GCS bucket `logging` removed. Removing the load
balancer or bucket itself is silent.

## Why is this bad?
Access logs are the record of who called what; without them abuse and incidents cannot be
traced.

## Example
```hcl
access_logs {
  bucket  = "lb-logs"
  enabled = true   # → false
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, removal_check, removed_value, turned_off, watches
from regress.kinds.terraform.identity import FAMILY
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

REMOVED = ("aws_s3_bucket_logging",)

SPECS = (
    Attr(("aws_lb", "aws_alb"), ("access_logs", "enabled"), turned_off, absent=False),
    Attr(("aws_elb",), ("access_logs", "enabled"), turned_off, absent=True),
    Attr(("aws_cloudfront_distribution",), ("logging_config",), removed_value, absent=None),
    Attr(("google_storage_bucket",), ("logging",), removed_value, absent=None),
)

RULE = Rule(
    code="TF105",
    name="access-logs-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=(*watches(SPECS), *((FAMILY, t) for t in REMOVED)),
    check=combine(attr_check(SPECS), removal_check(REMOVED, "bucket access logging")),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
