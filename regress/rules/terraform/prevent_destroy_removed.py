"""A resource lost its `prevent_destroy` guard.

## What it does
Reports `lifecycle { prevent_destroy = true }` going to false or removed, on any resource type
(databases, KMS keys, state buckets, GCP KMS crypto keys — Checkov CKV_GCP_82). Removing the
resource itself is not reported here.

## Why is this bad?
`prevent_destroy` makes Terraform refuse any plan that would destroy the resource, including a
replacement forced by an innocent-looking attribute change. Without it one apply can delete it.

## Example
```hcl
lifecycle {
  prevent_destroy = true   # block removed
}
```

## How to resolve
Keep the guard, or approve the finding with the reason (a planned migration).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, turned_off
from regress.kinds.terraform.identity import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

_SPEC = Attr(("*",), ("lifecycle", "prevent_destroy"), turned_off, absent=False)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    obj = change.obj
    if obj.type in ("module", "variable", "output", "removed") or obj.type.startswith("data."):
        return
    spec = Attr((obj.type,), _SPEC.route, _SPEC.judge, absent=False)
    yield from attr_check((spec,))(change, ctx)


RULE = Rule(
    code="TF204",
    name="prevent-destroy-removed",
    category=Category.RELIABILITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "*"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
