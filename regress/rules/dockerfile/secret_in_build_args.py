"""A secret is now passed through a build ARG or ENV.

## What it does
Reports an `ARG` or `ENV` whose name says it carries a secret (`…TOKEN`, `…SECRET`,
`…PASSWORD`, `…API_KEY`, `…ACCESS_KEY`, `…PRIVATE_KEY`, `…CREDENTIALS`; not `…_FILE`, `…_PATH`,
`…_URL`, `…_USER`, `…_ID`) when a stage gains one, for instance a `RUN --mount=type=secret`
replaced by `ARG NPM_TOKEN`.

## Why is this bad?
`ENV` values are stored in the image; `ARG` values are recorded in its build history (`docker
history`) and in provenance attestations. Anyone who can pull the image can read them.

## Example
```dockerfile
# base                                              # head
RUN --mount=type=secret,id=npm npm ci               ARG NPM_TOKEN
                                                    RUN npm ci
```

## How to resolve
Use a BuildKit secret mount (`RUN --mount=type=secret`), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.dockerfile.commands import line_route, secret_names
from regress.kinds.dockerfile.model import FAMILY, StageFacts
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.dockerfile import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    after = change.after
    if after is None or not isinstance(after.facts, StageFacts):
        return
    before = change.before.facts if change.before is not None else None
    old = secret_names(before.stage) if isinstance(before, StageFacts) else {}
    for name, (keyword, line) in sorted(secret_names(after.facts.stage).items()):
        if name in old:
            continue
        yield Hit(
            message=f"{after.label}: {keyword} {name} carries a secret into the image or its build history",
            attr=f"{keyword}:{name}",
            head_route=line_route(line),
            after=name,
        )


RULE = Rule(
    code="DF010",
    name="secret-in-build-args",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
