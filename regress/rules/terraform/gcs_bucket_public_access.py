"""A Cloud Storage bucket lost its public-access guards or was granted to everyone.

## What it does
Reports `uniform_bucket_level_access` going from true to false, `public_access_prevention` going
from `enforced` to `inherited`, and a bucket IAM member or binding for `allUsers` or
`allAuthenticatedUsers` (also when new). Versioning and logging of buckets are reported by
`versioning-suspended` and `access-logs-disabled`.

## Why is this bad?
Without uniform access and public access prevention, one object ACL can publish data; `allUsers`
publishes the whole bucket.

## Example
```hcl
public_access_prevention = "enforced"   # → "inherited"
```

## How to resolve
Keep the setting, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, Verdict, attr_check, ranks, turned_off, watches
from regress.rules.base import Rule
from regress.rules.terraform import KINDS

GCS = ("google_storage_bucket",)
PUBLIC = frozenset({"allUsers", "allAuthenticatedUsers"})


def public_member(before: Any, after: Any) -> Verdict | None:
    def public(v: Any) -> bool:
        items = v if isinstance(v, list) else [v]
        return any(isinstance(i, str) and i in PUBLIC for i in items)

    return Verdict() if public(after) and not public(before) else None


SPECS = (
    Attr(GCS, ("uniform_bucket_level_access",), turned_off, absent=False),
    Attr(GCS, ("public_access_prevention",), ranks({"enforced": 0, "inherited": 1}), absent="inherited"),
    Attr(("google_storage_bucket_iam_member",), ("member",), public_member, on_add=True),
    Attr(("google_storage_bucket_iam_binding",), ("members",), public_member, on_add=True),
)

RULE = Rule(
    code="TF305",
    name="gcs-bucket-public-access",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=watches(SPECS),
    check=attr_check(SPECS),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "added"}),
)
