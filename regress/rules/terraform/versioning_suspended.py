"""S3 bucket versioning was suspended.

## What it does
Reports versioning turned off on an S3 bucket: the inline `versioning { enabled = true }` block
going to false, an `aws_s3_bucket_versioning` status going from `Enabled` to `Suspended` or
`Disabled`, MFA delete going from enabled to disabled, and an `aws_s3_bucket_versioning`
resource with status `Enabled` removed while its bucket stays (the provider suspends versioning
when that resource is destroyed). Moving between the inline block and the separate resource is
silent.

## Why is this bad?
Versioning is what lets an overwritten or deleted object be recovered. Suspending it removes the
safety net for accidental deletes, bad deploys and ransomware alike.

## Example
```hcl
# base                    # head
versioning {              versioning {
  enabled = true            enabled = false
}                         }
```

## How to resolve
Keep versioning enabled (expire old versions with a lifecycle rule if cost is the concern), or
approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, owner_removed, ranked, turned_off
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_str, first_block
from regress.model import Change, Status
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

SPECS = (
    Attr(("aws_s3_bucket",), ("versioning", "enabled"), turned_off),
    Attr(("aws_s3_bucket",), ("versioning", "mfa_delete"), turned_off, severity=Severity.MEDIUM),
    Attr(
        ("aws_s3_bucket_versioning",),
        ("versioning_configuration", "status"),
        ranked(("Enabled", "Suspended", "Disabled")),
    ),
    Attr(
        ("aws_s3_bucket_versioning",),
        ("versioning_configuration", "mfa_delete"),
        ranked(("Enabled", "Disabled")),
        severity=Severity.MEDIUM,
    ),
)
_attrs = attr_check(SPECS)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before
    if change.status is Status.REMOVED and before is not None and before.type == "aws_s3_bucket_versioning":
        conf = first_block(before.body, "versioning_configuration") or {}
        if (as_str(conf.get("status")) or "").lower() == "enabled" and owner_removed(before, ctx) is None:
            yield Hit(message=f"{before.label} removed: versioning of its bucket is suspended", base_route=())
        return
    yield from _attrs(change, ctx)


RULE = Rule(
    code="TF205",
    name="versioning-suspended",
    category=Category.RELIABILITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "aws_s3_bucket"), (FAMILY, "aws_s3_bucket_versioning")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
