"""A deploy job lost its deploy marker or post-deploy check.

## What it does
Reports, in a deploy job that stays, a removed step that marked the release for monitoring
(`getsentry/action-release`, `newrelic/deployment-marker-action`, `sentry-cli releases`,
`datadog-ci deployment`) or checked the deployment afterwards (`curl -f …/health`, `k6 run`,
Lighthouse CI) — CATALOGUE.md Signals S5.

## Why is this bad?
Without the marker, errors and regressions can no longer be tied to the release that caused them;
without the smoke check, a broken deploy reports success.

## Example
```yaml
# base                                                # head
- run: ./deploy.sh                                    - run: ./deploy.sh
- run: curl -fsS https://app.example.com/healthz
```

## How to resolve
Keep the step, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEPLOY
from regress.kinds.ci.model import FAMILY, Step
from regress.kinds.ci.shell import split
from regress.kinds.ci.signals import DEPLOY_MARKER_ACTIONS, DEPLOY_MARKER_COMMANDS
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import jobs, lost_steps

_HEALTH = re.compile(r"health|ready|status|ping|smoke", re.I)


def checks_deploy(step: Step) -> bool:
    if (step.uses or "").lower() in DEPLOY_MARKER_ACTIONS:
        return True
    for cmd in split(step.run or ""):
        text = " ".join(cmd.argv)
        if any(text.startswith(m) for m in DEPLOY_MARKER_COMMANDS):
            return True
        if (
            cmd.argv[:1] == ("curl",)
            and any(
                a in ("-f", "--fail", "--fail-with-body") or (a.startswith("-") and not a.startswith("--") and "f" in a)
                for a in cmd.argv[1:]
            )
            and _HEALTH.search(text)
        ):
            return True
    return False


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None or DEPLOY not in (before.classes | after.classes):
        return
    for step in lost_steps(before, after, ctx, checks_deploy):
        yield Hit(
            message=f"post-deploy check or marker {step.label} was removed from {after.label} in {after.pipeline}",
            attr=f"deploy-check[{step.key}]",
            head_route=step.route[:-1],
            base_route=step.route,
            before=step.uses or step.run,
        )


RULE = Rule(
    code="CI043",
    name="deploy-check-removed",
    category=Category.MONITORING,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
