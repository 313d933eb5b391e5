"""A job's timeout was removed.

## What it does
Reports a job whose `timeout-minutes` (GitLab/Azure: `timeout`/`timeoutInMinutes`) was set in
the base and is absent in the head, so the platform default applies — 360 minutes on GitHub
(GitHub docs "Workflow syntax", `timeout-minutes`). A shorter or longer explicit timeout is not
reported: a longer one is a choice the diff shows plainly.

## Why is this bad?
A hung test or deploy now holds a runner (and a deploy lock) for hours instead of failing fast.

## Example
```yaml
# base                    # head
deploy:                   deploy:
  timeout-minutes: 30       runs-on: ubuntu-latest
  runs-on: ubuntu-latest
```

## How to resolve
Keep an explicit timeout, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import jobs

_KEYS = {"github": "timeout-minutes", "gitlab": "timeout", "azure": "timeoutInMinutes"}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None or before.timeout is None or after.timeout is not None:
        return
    key = _KEYS.get(after.platform, "timeout")
    yield Hit(
        message=f"{after.label} in {after.pipeline} lost its timeout ({key}: {before.timeout} → the platform "
        "default, 360 minutes on GitHub)",
        attr=key,
        head_route=(),
        base_route=(key,),
        before=before.timeout,
        after=None,
    )


RULE = Rule(
    code="CI044",
    name="job-timeout-removed",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
