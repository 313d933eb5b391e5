"""An action or reusable workflow is pinned less firmly than before.

## What it does
Reports a step `uses:` (or a job calling a reusable workflow) whose reference moved down the order
commit SHA > version tag > branch, e.g. `actions/checkout@<40-hex> # v4.2.2` → `@v4` or `@main`.
A new remote action added with a moving reference is reported too, unless the base already used
that action as loosely in the same workflow or one beside it (a step moved to another job, jobs
merged or split, the same action in a new job: no new party is trusted). SHA → SHA and tag → tag bumps
are version bumps and stay silent; local actions (`./…`) are part of the change itself.

## Why is this bad?
Tags and branches can be moved by whoever controls the action's repository: an unpinned action
runs whatever code is there at run time, with the job's token and secrets (the tj-actions/
changed-files compromise of March 2025 rewrote its tags).

## Example
```yaml
# base                                                           # head
- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683   - uses: actions/checkout@v4
```

## How to resolve
Pin to the full commit SHA (with the version in a comment, which Dependabot and Renovate keep up
to date), or approve the finding with the reason.

## Options
`first-party` (list, default `["actions/", "github/"]`): prefixes of actions trusted at tag level;
a new action under them added with a tag is not reported (a change from SHA to tag still is).
`["*"]` trusts every action at tag level, for repositories that pin by version tag as a policy:
new actions by tag are then silent, by branch still reported, and SHA → tag still reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, RefKind
from regress.model import Change, Route
from regress.rules.base import Hit, Option, Rule, RuleContext
from regress.rules.ci.helpers import base_jobs
from regress.rules.github import KINDS


def _weaker(before: RefKind | None, after: RefKind | None) -> bool:
    return before is not None and after is not None and after.strength < before.strength


def _loosest_uses(jobs: list[Job]) -> dict[str, int]:
    """Each remote action the jobs use, with the weakest pin strength it is used with."""
    out: dict[str, int] = {}
    for job in jobs:
        for s in job.steps:
            if s.uses and s.via is None and s.ref_kind not in (None, RefKind.LOCAL):
                assert s.ref_kind is not None
                key = s.uses.lower()
                out[key] = min(out.get(key, s.ref_kind.strength), s.ref_kind.strength)
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    after = change.after.facts if change.after else None
    before = change.before.facts if change.before else None
    if not isinstance(after, Job):
        return
    trusted = tuple(ctx.option("first-party"))
    old_steps: dict[str, list[tuple[RefKind | None, Route]]] = {}
    if isinstance(before, Job):
        for s in before.steps:
            if s.uses and s.via is None:
                old_steps.setdefault(s.uses.lower(), []).append((s.ref_kind, (*s.route, "uses")))
    elsewhere: dict[str, int] | None = None  # loaded on the first step the paired job lacks
    for step in after.steps:
        if not step.uses or step.ref_kind in (None, RefKind.LOCAL) or step.via is not None:
            continue
        olds = old_steps.get(step.uses.lower())
        base_route: Route | None = None
        if olds:
            strongest = max(((k, r) for k, r in olds if k is not None), key=lambda kr: kr[0].strength, default=None)
            was = strongest[0] if strongest else None
            if not _weaker(was, step.ref_kind):
                continue
            assert was is not None and strongest is not None
            base_route = strongest[1]
            message = (
                f"{step.label} of {after.label}: {step.uses} pinned by {was.value} → "
                f"{step.ref_kind.value if step.ref_kind else '?'} ({step.ref or 'no ref'})"
            )
        else:
            if step.ref_kind is RefKind.SHA or (
                step.ref_kind is RefKind.TAG and ("*" in trusted or step.uses.lower().startswith(trusted))
            ):
                continue
            if step.uses.startswith("docker://") and step.ref_kind is RefKind.TAG:
                continue
            if elsewhere is None:
                assert change.after is not None
                elsewhere = _loosest_uses(base_jobs(ctx, change.after))
            loosest = elsewhere.get(step.uses.lower())
            if loosest is not None and step.ref_kind is not None and loosest <= step.ref_kind.strength:
                # The base already ran this action as loosely in this workflow or one beside it
                # (a step moved with its job, a job split or merged, the same action in a new job):
                # no new party is trusted.
                continue
            was = None
            message = (
                f"new {step.label} of {after.label} uses {step.uses} by a moving "
                f"{step.ref_kind.value if step.ref_kind else 'ref'} ({step.ref or 'no ref'})"
            )
        yield Hit(
            message=message,
            attr=f"uses[{step.uses}]",
            head_route=(*step.route, "uses"),
            base_route=base_route,
            before=was.value if was else None,
            after=step.ref,
            severity=Severity.HIGH if step.ref_kind in (RefKind.BRANCH, RefKind.NONE) else None,
        )


RULE = Rule(
    code="GHA026",
    name="action-pin-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    options=(Option("first-party", ["actions/", "github/"], "action prefixes trusted at tag level"),),
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
