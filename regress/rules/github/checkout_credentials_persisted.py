"""A checkout step now leaves the job's token in the repository's git config.

## What it does
Reports an `actions/checkout` step whose `persist-credentials: false` was removed or set to
true. The action persists the token by default (actions/checkout README; zizmor `artipacked`).

## Why is this bad?
Every later step, and any artifact that uploads the working directory (`.git/config` included),
can read and reuse the token.

## Example
```yaml
# base                                 # head
- uses: actions/checkout@v4            - uses: actions/checkout@v4
  with:
    persist-credentials: false
```

## How to resolve
Keep `persist-credentials: false` unless a later step pushes, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.knobs import text
from regress.kinds.ci.model import FAMILY, Step
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs
from regress.rules.github import KINDS


def persists(step: Step) -> bool:
    """actions/checkout ``persist-credentials`` defaults to true (actions/checkout action.yml)."""
    value = text(step.inputs.get("persist-credentials"))
    return value is None or value.lower() != "false"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or (sa.uses or "").lower() != "actions/checkout":
            continue
        if (sb.uses or "").lower() == "actions/checkout" and not persists(sb) and persists(sa):
            now = text(sa.inputs.get("persist-credentials")) or "absent (default true)"
            yield Hit(
                message=f"{sa.label} of {after.label} in {after.pipeline} persists the token again "
                f"(persist-credentials: false → {now})",
                attr=f"step[{sa.key}].persist-credentials",
                head_route=(*sa.route, "with"),
                base_route=(*sb.route, "with", "persist-credentials"),
                before=False,
                after=True,
            )


RULE = Rule(
    code="GHA032",
    name="checkout-credentials-persisted",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
