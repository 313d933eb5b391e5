"""Instances accept IMDSv1 again, or metadata tokens travel further.

## What it does
Reports `metadata_options.http_tokens` going from `required` to `optional` (or removed, when the
default is unknown it is not judged) on instances and launch templates, and
`http_put_response_hop_limit` going up (low severity).

## Why is this bad?
IMDSv1 answers any request from the instance, which makes server-side request forgery enough to
steal the instance role's credentials; a larger hop limit lets containers on the host reach the
metadata service too.

## Example
```hcl
metadata_options {
  http_tokens = "required"   # → "optional"
}
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, raised, ranks, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

TYPES = ("aws_instance", "aws_launch_template")

SPECS = (
    Attr(TYPES, ("metadata_options", "http_tokens"), ranks({"required": 0, "optional": 1})),
    Attr(TYPES, ("metadata_options", "http_put_response_hop_limit"), raised, severity=Severity.LOW),
)

RULE = Rule(
    code="TF011",
    name="imds-v1-allowed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
