"""A secret that a protected environment guarded is now used by a job outside it.

## What it does
Reports a job without an `environment:` that newly references `secrets.X` when, in the same
workflow, `X` is used by a job that runs in an environment (so it is, or is meant to be, an
environment secret whose use waits for the environment's reviewers), following zizmor
`secrets-outside-env`. A job that keeps `secrets.X` but loses its environment is reported by
`deploy-environment-removed`.

## Why is this bad?
The approval that gated the secret's use no longer applies: any push that triggers this job can
use the deploy key or production token.

## Example
```yaml
# head
deploy:
  environment: production
  steps: [{run: ./deploy.sh, env: {KEY: "${{ secrets.DEPLOY_KEY }}"}}]
smoke:                     # new reference, no environment
  steps: [{run: ./smoke.sh, env: {KEY: "${{ secrets.DEPLOY_KEY }}"}}]
```

## How to resolve
Give the job the same environment, or use a separate, narrower secret, or approve the finding.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY
from regress.model import Change, iter_leaves
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.github import KINDS

_SECRET = re.compile(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)")


def secret_names(body: Any) -> set[str]:
    out: set[str] = set()
    for _route, value in iter_leaves(body):
        if isinstance(value, str) and "secrets." in value:
            out |= {m.group(1) for m in _SECRET.finditer(value)}
    out.discard("GITHUB_TOKEN")
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    after = change.after
    if after is None or getattr(after.facts, "environment", None):
        return
    new = secret_names(after.body) - (secret_names(change.before.body) if change.before is not None else set())
    if not new:
        return
    guarded: dict[str, str] = {}
    for obj in ctx.head.of_type(FAMILY, "job"):
        job = obj.facts
        if (
            obj is after
            or getattr(job, "pipeline", None) != after.facts.pipeline
            or not getattr(job, "environment", None)
        ):
            continue
        for name in secret_names(obj.body):
            guarded.setdefault(name, f"{job.label} ({job.environment})")
    for name in sorted(new & guarded.keys()):
        yield Hit(
            message=f"{after.label} now uses secrets.{name} without an environment, while {guarded[name]} uses it "
            "behind its environment's protection rules",
            attr=f"secrets.{name}",
            head_route=(),
            after=name,
        )


RULE = Rule(
    code="GHA030",
    name="secrets-outside-environment",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
