"""An IAM policy now grants wildcard actions, NotAction, or widened a statement to every resource.

## What it does
Reads identity policies (`aws_iam_policy`, `aws_iam_role_policy`, user and group policies,
written as heredoc JSON, `jsonencode(…)` or an `aws_iam_policy_document` data source) as sets of
statements and reports an Allow statement the base did not have that grants `Action: "*"`
(admin), a whole service (`s3:*`), or uses `NotAction`; a statement whose actions were scoped to
resources and now apply to `Resource: "*"` (low severity); and an `AdministratorAccess`
attachment. Statements moved between files or forms, or reordered, are the same statements.

## Why is this bad?
Wildcards grant far more than the code needs, including actions that do not exist yet; a leaked
credential with `*` or `iam:*` is the whole account.

## Example
```hcl
Action = ["s3:GetObject"]   # → ["s3:*"]
```

## How to resolve
Grant the specific actions and resources, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.policy import from_json, new_statements, wildcard
from regress.kinds.terraform.values import as_str, blocks
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS
from regress.rules.terraform._policies import DOCUMENT, statements

IDENTITY = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")
ATTACH = (
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    after = change.after
    if after is None:
        return
    if after.type == "aws_iam_role":
        yield from _inline(change)
        return
    if after.type in ATTACH:
        arn = as_str(after.body.get("policy_arn")) or ""
        before_arn = as_str(change.before.body.get("policy_arn")) if change.before is not None else None
        if arn.endswith(":policy/AdministratorAccess") and before_arn != arn:
            yield Hit(
                message=f"{after.label}: attaches AdministratorAccess",
                attr="policy_arn",
                head_route=("policy_arn",),
                severity=Severity.HIGH,
            )
        return
    head = statements(after)
    if head is None:
        return
    base = statements(change.before) if change.before is not None else []
    if base is None:
        base = []
    route = ("statement",) if after.type == DOCUMENT else ("policy",)
    for st in new_statements(base, head):
        why = wildcard(st)
        if why is not None:
            reason, admin = why
            yield Hit(
                message=f"{after.label}: allows {reason}",
                attr=f"wildcard:{reason}",
                head_route=route,
                severity=Severity.HIGH if admin else None,
            )
            continue
        if st.allows and "*" in st.resources:
            widened = [b for b in base if b.actions == st.actions and b.allows and "*" not in b.resources]
            if widened:
                yield Hit(
                    message=f'{after.label}: {", ".join(sorted(st.actions))} now on Resource "*"',
                    attr="resource:*:" + ",".join(sorted(st.actions)),
                    head_route=route,
                    severity=Severity.LOW,
                )


def _inline(change: Change) -> Iterator[Hit]:
    """``aws_iam_role`` ``inline_policy`` blocks."""
    after = change.after
    if after is None:
        return
    before_docs = blocks(change.before.body, "inline_policy") if change.before is not None else []
    base = [s for b in before_docs for s in (from_json(b.get("policy")) or [])]
    for i, doc in enumerate(blocks(after.body, "inline_policy")):
        for st in new_statements(base, from_json(doc.get("policy")) or []):
            why = wildcard(st)
            if why is not None:
                yield Hit(
                    message=f"{after.label}: inline policy allows {why[0]}",
                    attr=f"inline:{why[0]}",
                    head_route=("inline_policy", i),
                    severity=Severity.HIGH if why[1] else None,
                )


RULE = Rule(
    code="TF020",
    name="iam-wildcard-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in (*IDENTITY, *ATTACH, "aws_iam_role", DOCUMENT)),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
