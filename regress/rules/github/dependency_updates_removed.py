"""Automated dependency updates were switched off or narrowed.

## What it does
Reports a Dependabot (`.github/dependabot.yml`) or Renovate (`renovate.json` and its other
locations) configuration that was deleted — moving Renovate's file between its documented
locations is not a deletion — a Dependabot `updates` entry removed (an ecosystem or directory no
longer updated, e.g. `github-actions`), and `insecure-external-code-execution: allow` added
(zizmor `dependabot-execution`). OpenSSF Scorecard's Dependency-Update-Tool check counts these
files.

## Why is this bad?
Security fixes in dependencies, actions and base images stop arriving as pull requests; pinned
SHAs stop being bumped, so pins turn into stale, vulnerable versions.

## Example
```yaml
# base: .github/dependabot.yml                      # head: file deleted
version: 2
updates:
  - {package-ecosystem: github-actions, directory: /, schedule: {interval: weekly}}
```

## How to resolve
Keep the configuration (or replace Dependabot with Renovate in the same change), or approve the
finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY
from regress.kinds.depupdates.handler import KIND, TYPE, UpdateConfig
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = (KIND,)


def _facts(obj: object) -> UpdateConfig | None:
    facts = getattr(obj, "facts", None)
    return facts if isinstance(facts, UpdateConfig) else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = _facts(change.before), _facts(change.after)
    if before is not None and after is None:
        others = [o for o in ctx.head.of_type(FAMILY, TYPE) if _facts(o) is not None]
        if others:
            return  # replaced by the other tool in the same change
        yield Hit(
            message=f"{before.tool} configuration {before.path} was deleted: dependencies, actions and images are no "
            "longer updated automatically",
            attr="config",
            base_route=(),
            before=before.path,
        )
        return
    if after is None:
        return
    if before is not None:
        for eco, directory in sorted(before.ecosystems - after.ecosystems):
            yield Hit(
                message=f"{after.tool} no longer updates {eco} dependencies in {directory} ({after.path})",
                attr=f"updates[{eco}:{directory}]",
                head_route=("updates",),
                base_route=("updates",),
                before=f"{eco} {directory}",
            )
    if after.insecure_execution and not (before is not None and before.insecure_execution):
        yield Hit(
            message=f"{after.tool} may now run code from dependencies while updating "
            f"(insecure-external-code-execution: allow in {after.path})",
            attr="insecure-external-code-execution",
            head_route=("updates",),
            after="allow",
        )


RULE = Rule(
    code="GHA047",
    name="dependency-updates-removed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, TYPE),),
    check=check,
    doc=__doc__ or "",
)
