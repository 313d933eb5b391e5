"""A web application firewall was detached or lost managed rules.

## What it does
Reports a CloudFront distribution whose `web_acl_id` was removed, a removed WAF web ACL
association (`aws_wafv2_web_acl_association`, `aws_wafregional_web_acl_association`) unless the
load balancer or API it protected went with it, and an `aws_wafv2_web_acl` that lost a rule using
a managed rule group (rules matched by name). (CATALOGUE TA-24 marks this unverified.)

## Why is this bad?
The WAF is what filters injection, known exploits and bad bots before they reach the
application; detaching it, or dropping the AWS managed rule sets, opens that path.

## Example
```hcl
web_acl_id = aws_wafv2_web_acl.edge.arn   # removed
```

## How to resolve
Keep the WAF attached with its rule groups, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.checks import Attr, attr_check, combine, removal_check, removed_value
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_str, blocks
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

ASSOCIATIONS = ("aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association")
SPECS = (Attr(("aws_cloudfront_distribution",), ("web_acl_id",), removed_value, absent=None),)


def managed_rules(body: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, rule in enumerate(blocks(body, "rule")):
        name = as_str(rule.get("name"))
        stmt = blocks(rule, "statement")
        if name and stmt and blocks(stmt[0], "managed_rule_group_statement"):
            out[name] = i
    return out


def acl_rules(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None or after.type != "aws_wafv2_web_acl":
        return
    old, new = managed_rules(before.body), managed_rules(after.body)
    for name in sorted(set(old) - set(new)):
        yield Hit(
            message=f"{after.label}: managed rule group rule {name} removed",
            attr=f"rule:{name}",
            head_route=("rule",),
            base_route=("rule", old[name]),
        )


RULE = Rule(
    code="TF024",
    name="waf-detached",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in ("aws_cloudfront_distribution", "aws_wafv2_web_acl", *ASSOCIATIONS)),
    check=combine(attr_check(SPECS), removal_check(ASSOCIATIONS, "a WAF association"), acl_rules),
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
