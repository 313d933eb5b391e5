"""Service logging or tracing was turned off.

## What it does
Reports API Gateway stages losing `xray_tracing_enabled` or `access_log_settings`, method
settings whose `logging_level` drops (`INFO` > `ERROR` > `OFF`) or lose `metrics_enabled`,
Lambda `tracing_config.mode` going from `Active` to `PassThrough`, API Gateway v2 stages losing
`access_log_settings`, MSK clusters losing `logging_info`, and Redshift `logging.enable` going
from true to false.

## Why is this bad?
Access logs and traces are how a failing or abused API is diagnosed; without them an incident
leaves no trace.

## Example
```hcl
tracing_config {
  mode = "Active"   # → "PassThrough"
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, ranks, removed_value, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

LEVELS = {"INFO": 0, "ERROR": 1, "OFF": 2}

SPECS = (
    Attr(("aws_api_gateway_stage",), ("xray_tracing_enabled",), turned_off, absent=False),
    Attr(("aws_api_gateway_stage", "aws_apigatewayv2_stage"), ("access_log_settings",), removed_value, absent=None),
    Attr(("aws_api_gateway_method_settings",), ("settings", "logging_level"), ranks(LEVELS), absent="OFF"),
    Attr(("aws_api_gateway_method_settings",), ("settings", "metrics_enabled"), turned_off, absent=False),
    Attr(("aws_lambda_function",), ("tracing_config", "mode"), ranks({"Active": 0, "PassThrough": 1})),
    Attr(("aws_msk_cluster",), ("logging_info",), removed_value, absent=None),
    Attr(("aws_redshift_cluster",), ("logging", "enable"), turned_off),
)

RULE = Rule(
    code="TF110",
    name="service-tracing-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
