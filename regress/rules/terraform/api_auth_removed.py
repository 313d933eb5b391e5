"""An API or function URL no longer requires authorization.

## What it does
Reports API Gateway methods whose `authorization` became `NONE` (from `AWS_IAM`,
`COGNITO_USER_POOLS` or `CUSTOM`), `api_key_required` going from true to false, API Gateway v2
routes and Lambda function URLs whose `authorization_type` became `NONE`, and a Lambda
permission granted to principal `*` (also when new). (CATALOGUE TA-25 marks this unverified.)

## Why is this bad?
An endpoint without authorization is callable by anyone who finds it, with whatever the backing
function can do.

## Example
```hcl
authorization = "AWS_IAM"   # → "NONE"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, became, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_api_gateway_method",), ("authorization",), became("NONE")),
    Attr(("aws_api_gateway_method",), ("api_key_required",), turned_off, absent=False),
    Attr(("aws_apigatewayv2_route",), ("authorization_type",), became("NONE")),
    Attr(("aws_lambda_function_url",), ("authorization_type",), became("NONE"), on_add=True),
    Attr(("aws_lambda_permission",), ("principal",), became("*"), on_add=True),
)

RULE = Rule(
    code="TF025",
    name="api-auth-removed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "added"}),
)
