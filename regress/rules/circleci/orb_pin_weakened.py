"""A CircleCI orb is pinned less firmly than before, or a new orb is not pinned.

## What it does
Compares `orbs:` versions: a full version (`circleci/node@5.2.0`) is fixed; a partial one (`@5`,
`@5.2`) follows new releases; `@volatile` and `dev:` versions follow whatever was published last.
Reports a move down that order and a new orb added on `volatile` or a `dev:` version. Bumping a
full version to another stays silent; inline orbs are part of the change itself.

## Why is this bad?
An orb runs its own commands and jobs inside the pipeline with the project's contexts and
secrets; a floating version runs code nobody reviewed (the orbs FAQ calls `@volatile` "NOT
RECOMMENDED").

## Example
```yaml
# base                      # head
orbs:                       orbs:
  node: circleci/node@5.2.0   node: circleci/node@volatile
```

## How to resolve
Pin the full version, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Pipeline, RefKind
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.circleci import KINDS

#: How the CircleCI handler ranks orb versions (see ``orb_ref_kind``).
_WORDS = {
    RefKind.SHA: "a full version",
    RefKind.TAG: "a partial version",
    RefKind.BRANCH: "a floating version",
    RefKind.NONE: "no version",
    RefKind.LOCAL: "an inline orb",
}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None or not isinstance(change.after.facts, Pipeline):
        return
    after = change.after.facts
    before = change.before.facts if change.before is not None else None
    old = before.extra.get("orbs", {}) if isinstance(before, Pipeline) else {}
    old_by_name = {name: (alias, version, kind) for alias, (name, version, kind) in old.items()}
    for alias, (name, version, kind) in sorted(after.extra.get("orbs", {}).items()):
        if kind is RefKind.LOCAL:
            continue
        was = old_by_name.get(name)
        if was is not None:
            if kind.strength >= was[2].strength:
                continue
            message = (
                f"{after.id}: orb {name} pinned by {_WORDS[was[2]]} ({was[1]}) → {_WORDS[kind]} ({version or 'none'})"
            )
            before_value = was[1]
        elif kind in (RefKind.BRANCH, RefKind.NONE):
            message = f"{after.id}: new orb {name} on {_WORDS[kind]} ({version or 'none'})"
            before_value = None
        else:
            continue
        yield Hit(
            message=message,
            attr=f"orbs[{name}]",
            head_route=("orbs", alias),
            base_route=("orbs", was[0]) if was is not None else None,
            before=before_value,
            after=version,
            severity=Severity.HIGH if kind in (RefKind.BRANCH, RefKind.NONE) else None,
        )


RULE = Rule(
    code="CC006",
    name="orb-pin-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
