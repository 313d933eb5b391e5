"""An OpenSearch / Elasticsearch domain stopped publishing a log type.

## What it does
Matches the `log_publishing_options` blocks of `aws_opensearch_domain` and
`aws_elasticsearch_domain` by `log_type` and reports one that was removed, switched from
`enabled = true` (the default) to false, or lost its `cloudwatch_log_group_arn`. Other changes
in the same commit (scaling the domain up, moving `tags`) are not reported.

## Why is this bad?
Application, slow-query, index and audit logs are how failures and misuse of the cluster are
investigated. Turning them off leaves no record.

## Example
```hcl
# base                                  # head
log_publishing_options {                log_publishing_options {
  log_type = "ES_APPLICATION_LOGS"        log_type = "ES_APPLICATION_LOGS"
  enabled  = true                         enabled  = false
}                                       }
```

## How to resolve
Keep publishing the logs, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import renamed_note
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_bool, as_str, blocks
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

TYPES = ("aws_opensearch_domain", "aws_elasticsearch_domain")
BLOCK = "log_publishing_options"


def by_type(body: Any) -> dict[str, tuple[int, dict[str, Any]]]:
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, block in enumerate(blocks(body, BLOCK)):
        log_type = as_str(block.get("log_type"))
        if log_type is not None:
            out[log_type] = (i, block)
    return out


def _on(block: dict[str, Any]) -> bool:
    # Provider docs: enabled defaults to true.
    return as_bool(block.get("enabled", True)) is not False and bool(block.get("cloudwatch_log_group_arn", "x"))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    old, new = by_type(before.body), by_type(after.body)
    for log_type, (i, block) in sorted(old.items()):
        if not _on(block):
            continue
        found = new.get(log_type)
        route: Route
        if found is None:
            what, route = "removed", (BLOCK,)
        elif not _on(found[1]):
            blk = found[1]
            off = as_bool(blk.get("enabled", True)) is False
            what = "disabled" if off else "log group ARN emptied"
            route = (BLOCK, found[0], "enabled" if off else "cloudwatch_log_group_arn")
        else:
            continue
        yield Hit(
            message=f"{after.label}: {log_type} log publishing {what}{renamed_note(change)}",
            attr=f"{BLOCK}[{log_type}]",
            head_route=route,
            base_route=(BLOCK, i),
        )


RULE = Rule(
    code="TF111",
    name="search-log-publishing-disabled",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
