"""An Azure pipeline no longer extends its required template, or the template's repository is
pinned less firmly.

## What it does
Reports a pipeline that drops `extends: template:` (the usual way an organisation enforces a
secure pipeline shape), switches to another template, or whose `resources: repositories:` entry
moves from a commit or tag to a branch (`refs/tags/v3` → `refs/heads/main`) or to the default
branch.

## Why is this bad?
A *Required template* check on a protected resource blocks a pipeline that does not extend the
approved template — but only if such a check is configured; otherwise the security steps the
template injected are simply gone. A template taken from a branch changes under the pipeline.

## Example
```yaml
# base                                 # head
extends:                               stages:
  template: secure.yml@templates         - stage: Build
```

## How to resolve
Keep extending the template from a pinned ref, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Pipeline
from regress.model import Change
from regress.rules.azure import KINDS
from regress.rules.base import Hit, Rule, RuleContext


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Pipeline) or not isinstance(after, Pipeline):
        return
    was, now = before.extra.get("extends"), after.extra.get("extends")
    if was and was != now:
        what = "no longer extends" if not now else f"extends {now} instead of"
        yield Hit(
            message=f"{after.id} {what} template {was}",
            attr="extends.template",
            head_route=("extends",) if now else (),
            base_route=("extends", "template"),
            before=was,
            after=now,
        )
    old, new = before.extra.get("repositories", {}), after.extra.get("repositories", {})
    for alias, (name, ref, kind) in sorted(new.items()):
        prev = old.get(alias)
        if prev is None or kind.strength >= prev[2].strength:
            continue
        yield Hit(
            message=f"{after.id}: repository {name or alias} is pinned by {prev[2].value} ({prev[1]}) → "
            f"{kind.value} ({ref or 'the default branch'})",
            attr=f"resources.repositories[{alias}]",
            head_route=("resources", "repositories"),
            base_route=("resources", "repositories"),
            before=prev[1],
            after=ref,
            severity=Severity.MEDIUM,
        )


RULE = Rule(
    code="AZ007",
    name="required-template-removed",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
