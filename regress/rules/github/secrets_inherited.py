"""A job now passes all of the repository's secrets along.

## What it does
Reports a job calling a reusable workflow whose `secrets:` became `inherit` (from an explicit
list, or nothing), a new job calling a *remote* reusable workflow with `secrets: inherit`, and a
step or job that newly expands `${{ toJSON(secrets) }}` (zizmor `secrets-inherit` and
`overprovisioned-secrets`).

## Why is this bad?
Every secret of the repository and organisation — deploy keys, publishing tokens, cloud
credentials — becomes available to code that needed one or two of them.

## Example
```yaml
# base                                  # head
uses: ./.github/workflows/release.yml   uses: ./.github/workflows/release.yml
secrets:                                secrets: inherit
  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
```

## How to resolve
Pass only the secrets the callee needs, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, RefKind
from regress.model import Change, iter_leaves
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs
from regress.rules.github import KINDS

_ALL_SECRETS = re.compile(r"\$\{\{[^}]*tojson\(\s*secrets\s*\)", re.I)


def _inherits(job: Job | None) -> bool:
    return job is not None and isinstance(job.secrets, str) and job.secrets.strip().lower() == "inherit"


def _dumps_secrets(body: Any) -> bool:
    return any(isinstance(v, str) and _ALL_SECRETS.search(v) for _r, v in iter_leaves(body))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if after is None or change.after is None:
        return
    if _inherits(after) and not _inherits(before) and (before is not None or after.ref_kind is not RefKind.LOCAL):
        yield Hit(
            message=f"{after.label} in {after.pipeline} passes every secret to {after.uses} (secrets: inherit)",
            attr="secrets",
            head_route=("secrets",),
            base_route=("secrets",) if before is not None else None,
            before=before.secrets if before is not None else None,
            after="inherit",
        )
    if _dumps_secrets(change.after.body) and not (change.before is not None and _dumps_secrets(change.before.body)):
        yield Hit(
            message=f"{after.label} in {after.pipeline} now expands toJSON(secrets): every secret is handed over",
            attr="toJSON(secrets)",
            head_route=(),
            after="toJSON(secrets)",
        )


RULE = Rule(
    code="GHA029",
    name="secrets-inherited",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
