"""An Azure pipeline no longer validates (some) pull requests.

## What it does
Compares the pipeline's `pr:` trigger: `pr: none`, fewer included target branches, more excluded
branches or paths. Without a `pr:` key a GitHub or Bitbucket repository builds pull requests into
every branch (docs "Pull request triggers"). For Azure Repos, pull request validation is a branch
policy, not this key, so a finding there is informational.

## Why is this bad?
The pipeline's tests stop running on pull requests into those branches, so a broken change is
merged first and found later.

## Example
```yaml
# base              # head
pr:                 pr: none
  - main
```

## How to resolve
Keep validating pull requests, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Pipeline, Trigger
from regress.model import Change
from regress.rules.azure import KINDS
from regress.rules.base import Hit, Rule, RuleContext


def _list(filters: Mapping[str, Any], key: str, part: str) -> set[str]:
    section = filters.get(key)
    values = section.get(part) if isinstance(section, dict) else None
    return {str(v) for v in values} if isinstance(values, list) else set()


def _includes_all(filters: Mapping[str, Any]) -> bool:
    inc = _list(filters, "branches", "include")
    return filters.get("default") is True or not inc or "*" in inc


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Pipeline) or not isinstance(after, Pipeline):
        return
    was: Trigger | None = before.triggers.get("pr")
    now: Trigger | None = after.triggers.get("pr")
    if was is None or now is None or was.filters.get("none"):
        return
    old, new = was.filters, now.filters
    if new.get("none"):
        yield _hit(after, "pull requests are no longer validated (pr: none)", Severity.HIGH, old, new)
        return
    if _includes_all(old) and not _includes_all(new):
        shown = ", ".join(sorted(_list(new, "branches", "include")))
        yield _hit(after, f"pull requests are validated only into {shown}", Severity.MEDIUM, old, new)
    elif not _includes_all(old) and not _includes_all(new):
        lost = sorted(_list(old, "branches", "include") - _list(new, "branches", "include"))
        if lost:
            yield _hit(
                after, f"pull requests into {', '.join(lost)} are no longer validated", Severity.MEDIUM, old, new
            )
    for key, part, what in (("branches", "exclude", "branches"), ("paths", "exclude", "paths")):
        grown = sorted(_list(new, key, part) - _list(old, key, part))
        if grown:
            yield _hit(
                after,
                f"pull requests no longer validated for excluded {what}: {', '.join(grown)}",
                Severity.MEDIUM,
                old,
                new,
                f"pr.{key}.{part}",
            )


def _hit(
    after: Pipeline, text: str, severity: Severity, old: Mapping[str, Any], new: Mapping[str, Any], attr: str = "pr"
) -> Hit:
    return Hit(
        message=f"{after.id}: {text}",
        attr=attr,
        head_route=("pr",),
        base_route=("pr",),
        before=dict(old),
        after=dict(new),
        severity=severity,
    )


RULE = Rule(
    code="AZ006",
    name="pr-trigger-narrowed",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
