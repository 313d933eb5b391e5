"""A role's trust policy now lets more principals assume it.

## What it does
Compares the `assume_role_policy` of `aws_iam_role` (JSON or `jsonencode`) statement by
statement and reports: a new principal `"*"`, a whole account newly trusted
(`arn:aws:iam::<id>:root` or a bare account id), a condition key removed from a statement that
keeps its principals (`sts:ExternalId`, `aws:SourceArn`, an OIDC `sub`), and an OIDC `sub`
condition gaining a wildcard (`repo:org/app:ref:refs/heads/main` → `repo:org/*`). (CATALOGUE
TA-21 marks the shapes beyond the principal check unverified.)

## Why is this bad?
The trust policy decides who can become the role: an extra principal or a dropped condition
lets another account, any repository of an organisation, or anyone, act with the role's rights.

## Example
```hcl
"token.actions.githubusercontent.com:sub" = "repo:org/app:ref:refs/heads/main"   # → "repo:org/*"
```

## How to resolve
Keep the trust narrow, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.policy import Statement
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS
from regress.rules.terraform._policies import statements

_ACCOUNT = re.compile(r"^AWS:(arn:aws[\w-]*:iam::\d{12}:root|\d{12})$")
ROUTE = ("assume_role_policy",)


def _principals(sts: list[Statement]) -> set[str]:
    return {p for s in sts if s.allows for p in s.principals}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    base, head = statements(before), statements(after)
    if not base or head is None:
        return
    old = _principals(base)
    for p in sorted(_principals(head) - old):
        if p == "*":
            yield Hit(
                message=f'{after.label}: trusts any principal ("*")',
                attr="principal:*",
                head_route=ROUTE,
                severity=Severity.HIGH,
            )
        elif _ACCOUNT.match(p):
            yield Hit(
                message=f"{after.label}: trusts a whole account: {p[4:]}", attr=f"principal:{p}", head_route=ROUTE
            )
    for b in base:
        same = [h for h in head if h.allows and h.actions == b.actions]
        match = next((h for h in same if h.principals == b.principals), same[0] if len(same) == 1 else None)
        if match is None:
            continue
        old_keys = {(op, key): vals for op, key, vals in b.conditions}
        new_keys = {(op, key): vals for op, key, vals in match.conditions}
        for (op, key), vals in sorted(old_keys.items()):
            now = new_keys.get((op, key))
            if now is None and not any(k == key for _, k in new_keys):
                yield Hit(message=f"{after.label}: condition {key} removed", attr=f"condition:{key}", head_route=ROUTE)
            elif key.endswith(":sub"):
                current = now if now is not None else next(v for (_, k), v in new_keys.items() if k == key)
                wider = [v for v in current if "*" in v and v not in vals]
                if wider:
                    yield Hit(
                        message=f"{after.label}: {key} widened to {', '.join(wider)}",
                        attr=f"condition:{key}",
                        head_route=ROUTE,
                    )


RULE = Rule(
    code="TF021",
    name="trust-policy-widened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "aws_iam_role"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
