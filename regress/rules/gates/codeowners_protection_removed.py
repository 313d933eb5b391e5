"""CODEOWNERS no longer requires owners for pipeline, infrastructure or security files.

## What it does
Reports CODEOWNERS lines removed — or left without owners — whose pattern covers files that
decide what runs and what is deployed: CI pipelines (`.github/`, `.gitlab-ci.yml`, `.circleci/`,
`azure-pipelines*.yml`, `bitbucket-pipelines.yml`), infrastructure and deployment
(`infra`, `terraform`, `deploy`, `k8s`, `helm`, `charts`, `Dockerfile`), regress's own
configuration, CODEOWNERS itself, and catch-all patterns (`*`). Deleting the file removes all.

## Why is this bad?
With branch protection requiring code owner review, these lines are what make a platform or
security team review changes to the pipeline and the infrastructure; without them anyone with
write access can approve such a change.

## Example
```
# base                               # head
/.github/workflows/ @org/platform
*.tf                @org/platform    *.tf  @org/platform
```

## How to resolve
Keep the ownership, or approve the finding with the reason.

## Options
`protected` (list of substrings, default the list above): patterns containing any of these count
as protected paths.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Option, Rule, RuleContext

KINDS = ("codeowners",)
PROTECTED = [
    ".github",
    ".gitlab",
    ".circleci",
    "azure-pipelines",
    "bitbucket-pipelines",
    "jenkinsfile",
    "infra",
    "terraform",
    ".tf",
    "deploy",
    "k8s",
    "kubernetes",
    "helm",
    "charts",
    "dockerfile",
    ".regress",
    "codeowners",
]


def _protected(pattern: str, words: list[str]) -> bool:
    low = pattern.lower()
    return low in ("*", "/*", "**", "/**") or any(w in low for w in words)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate):
        return
    words = [str(w).lower() for w in ctx.option("protected")]
    new = dict(after.options.get("rules", ())) if isinstance(after, Gate) else {}
    for pattern, owners in before.options.get("rules", ()):
        if not owners or not _protected(pattern, words):
            continue
        now = new.get(pattern)
        if now:
            continue
        what = "was removed" if now is None else "no longer has owners"
        yield Hit(
            message=f"CODEOWNERS line for {pattern} ({' '.join(owners)}) {what}"
            + ("" if change.after is not None else " (the file was deleted)"),
            attr=f"owners[{pattern}]",
            head_route=(pattern,) if now is not None else (),
            base_route=(pattern,),
            before=list(owners),
            after=list(now) if now is not None else None,
            severity=Severity.HIGH if pattern in ("*", "/*") else None,
        )


RULE = Rule(
    code="CI064",
    name="codeowners-protection-removed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "codeowners"),),
    check=check,
    doc=__doc__ or "",
    options=(Option("protected", PROTECTED, "substrings of CODEOWNERS patterns that name protected paths"),),
    statuses=frozenset({"modified", "removed", "renamed", "moved"}),
)
