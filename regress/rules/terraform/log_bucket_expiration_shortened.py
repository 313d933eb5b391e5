"""Logs in a log bucket now expire sooner.

## What it does
Reports a lifecycle rule's `expiration.days` going down (matched by rule `id`) on buckets whose
name says they hold logs (`log`, `logs`, `audit`, `trail`, `flowlogs`…), in
`aws_s3_bucket_lifecycle_configuration` and the legacy inline `lifecycle_rule` blocks, and an
expiration added where the rule kept objects forever.

## Why is this bad?
Access logs, CloudTrail and flow logs kept for 30 days instead of 365 leave nothing to
investigate an intrusion found months later. A cut made for privacy reasons is still worth an
explicit, recorded approval.

## Example
```hcl
expiration {
  days = 365   # → 30
}
```

## How to resolve
Keep the retention, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_number, as_str, blocks
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

_LOGS = re.compile(r"(^|[^a-z])(logs?|logging|audit|trail|cloudtrail|flowlogs?|access-logs?)([^a-z]|$)", re.I)


def _rules(obj_type: str, body: Any) -> dict[str, tuple[int, float | int | None]]:
    """Lifecycle rule id → (index, expiration days; None = never)."""
    name = "rule" if obj_type == "aws_s3_bucket_lifecycle_configuration" else "lifecycle_rule"
    out: dict[str, tuple[int, float | int | None]] = {}
    for i, rule in enumerate(blocks(body, name)):
        rid = as_str(rule.get("id")) or f"#{i}"
        exp = blocks(rule, "expiration")
        days = as_number(exp[0].get("days")) if exp else None
        out[rid] = (i, days)
    return out


def _bucket_name(change: Change) -> str:
    after = change.after
    if after is None:
        return ""
    body = after.body
    text = " ".join(str(body.get(k) or "") for k in ("bucket", "bucket_prefix"))
    return f"{text} {after.key[-1]}"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None or not _LOGS.search(_bucket_name(change)):
        return
    old, new = _rules(before.type, before.body), _rules(after.type, after.body)
    for rid, (i, days) in sorted(new.items()):
        prev = old.get(rid)
        if prev is None or days is None:
            continue
        was = prev[1]
        if was is None or days < was:
            route_block = "rule" if after.type == "aws_s3_bucket_lifecycle_configuration" else "lifecycle_rule"
            yield Hit(
                message=f"{after.label}: lifecycle rule {rid} expires logs after {days} days, was "
                + ("never" if was is None else f"{was} days"),
                attr=f"expiration:{rid}",
                head_route=(route_block, i, "expiration"),
                base_route=(route_block, prev[0]),
            )


RULE = Rule(
    code="TF106",
    name="log-bucket-expiration-shortened",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "aws_s3_bucket_lifecycle_configuration"), (FAMILY, "aws_s3_bucket")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
