"""A GitLab include is pinned less firmly than before, or a new one is not pinned.

## What it does
Compares `include:` entries that come from outside the repository: a `project:` include whose
`ref:` moves down the order commit SHA > tag > branch (or disappears: the default branch), a
CI/CD `component:` whose version becomes `~latest` or a branch, and a new `remote:` include
(fetched over HTTP with no check unless `integrity:` is given) or a new project include or
component on a moving ref. Local files and `project: $CI_PROJECT_PATH` are part of the change
itself. Bumping a SHA to another SHA, or a version to another version, stays silent.

## Why is this bad?
A moving reference runs whatever the other project's branch holds at pipeline time, with this
project's CI/CD variables and runners; GitLab recommends a full commit SHA for `include:project`.

## Example
```yaml
# base                                         # head
include:                                       include:
  - project: platform/ci-templates               - project: platform/ci-templates
    ref: 5f1c0c3e8a2b9d4c7e6f5a4b3c2d1e0f9a8b7c6d    ref: main
    file: /python.yml                              file: /python.yml
```

## How to resolve
Pin to a full commit SHA (or a released version), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Pipeline, RefKind
from regress.kinds.gitlab.includes import IncludeKind, IncludeRef
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS


def _external(refs: tuple[IncludeRef, ...]) -> dict[str, IncludeRef]:
    out: dict[str, IncludeRef] = {}
    for ref in refs:
        if ref.resolved or ref.kind in (IncludeKind.LOCAL, IncludeKind.TEMPLATE):
            continue
        old = out.get(ref.key)
        if old is None or ref.ref_kind.strength < old.ref_kind.strength:
            out[ref.key] = ref
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None:
        return
    after = change.after.facts
    before = change.before.facts if change.before is not None else None
    if not isinstance(after, Pipeline) or after.platform != "gitlab":
        return
    old = _external(before.extra.get("includes", ())) if isinstance(before, Pipeline) else {}
    new = _external(after.extra.get("includes", ()))
    for index, (key, ref) in enumerate(new.items()):
        del index
        was = old.get(key)
        route = _route(after.extra.get("includes", ()), ref)
        if was is not None:
            if ref.ref_kind.strength >= was.ref_kind.strength:
                continue
            yield Hit(
                message=f"{after.id}: include {ref.label} is pinned by {was.ref_kind.value} → "
                f"{ref.ref_kind.value} ({ref.ref or 'no ref: the default branch'})",
                attr=f"include[{key}]",
                head_route=route,
                base_route=_route(before.extra.get("includes", ()), was) if isinstance(before, Pipeline) else None,
                before=was.ref,
                after=ref.ref,
                severity=Severity.HIGH if ref.ref_kind in (RefKind.BRANCH, RefKind.NONE) else None,
            )
        elif ref.ref_kind in (RefKind.BRANCH, RefKind.NONE):
            why = (
                "fetched over HTTP without an integrity hash"
                if ref.kind is IncludeKind.REMOTE
                else f"by a moving ref ({ref.ref or 'no ref, so the default branch'})"
            )
            yield Hit(
                message=f"{after.id}: new include {ref.label} is {why}",
                attr=f"include[{key}]",
                head_route=route,
                before=None,
                after=ref.ref,
            )


def _route(refs: tuple[IncludeRef, ...], ref: IncludeRef) -> tuple[str, int] | None:
    for i, r in enumerate(refs):
        if r is ref:
            return ("include", i)
    return None


RULE = Rule(
    code="GL014",
    name="include-pin-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
