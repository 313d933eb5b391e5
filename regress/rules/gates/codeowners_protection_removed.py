"""CODEOWNERS no longer requires owners for pipeline, infrastructure or security files.

## What it does
Reports CODEOWNERS lines removed — or left without owners — whose pattern covers files that
decide what runs and what is deployed: CI pipelines (`.github/`, `.gitlab-ci.yml`, `.circleci/`,
`azure-pipelines*.yml`, `bitbucket-pipelines.yml`), infrastructure and deployment
(`infra`, `terraform`, `deploy`, `k8s`, `helm`, `charts`, `Dockerfile`), regress's own
configuration, CODEOWNERS itself, and catch-all patterns (`*`). Deleting the file removes all.

A line added after a protected one that takes part of its files away from its owners (GitHub
uses the last matching line: `/.github/workflows/ @org/devs` after `/.github/ @org/platform`, or a
catch-all `*` at the end) is reported too, when the protected line was there in the base; under
a catch-all, only a later line for protected files counts (`/docs/ @org/writers` after
`* @org/core` is what CODEOWNERS is for), as is a protected line rewritten with syntax GitHub
skips as invalid (`!` negation, `[ ]` ranges) or a file grown past the 3 MB GitHub loads. Patterns
compare by meaning: `.github/workflows/` and `/.github/workflows/**` are the same line.

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

import re
from collections.abc import Iterator, Sequence

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


CATCH_ALL = ("*", "/*", "**", "/**")
_EXT_GLOB = re.compile(r"^(?:/?\*\*/)?\*(\.[\w.-]+)$")


def overlaps(later: str, protected: str) -> bool:
    """Whether some file that ``protected`` matches is also matched by ``later`` (approximately:
    catch-alls, patterns under a protected folder, and extension globs)."""
    if later in CATCH_ALL or protected in CATCH_ALL:
        return True
    if later.startswith(protected.rstrip("/") + "/"):
        return True
    ext_later, ext_protected = _EXT_GLOB.match(later), _EXT_GLOB.match(protected)
    if ext_later:
        return ext_protected is None or ext_later.group(1) == ext_protected.group(1)
    return ext_protected is not None and later.endswith(ext_protected.group(1))


def overrides(rules: Sequence[tuple[str, tuple[str, ...]]], words: list[str]) -> set[tuple[str, str]]:
    """(protected pattern, later pattern) pairs where a later line takes part of a protected
    pattern's files away from its owners: the last matching line wins."""
    out: set[tuple[str, str]] = set()
    last = {pattern: i for i, (pattern, _) in enumerate(rules)}
    for i, (pattern, owners) in enumerate(rules):
        if last[pattern] != i or not owners or not _protected(pattern, words):
            continue
        between: list[str] = []
        for later, later_owners in rules[i + 1 :]:
            shadowed = any(later == p or later.startswith(p.rstrip("/") + "/") for p in between)
            between.append(later)
            if shadowed:
                continue  # those files were already another line's: that line is the one compared
            if pattern in CATCH_ALL and not _protected(later, words):
                continue  # a folder given its own owners under a catch-all: what CODEOWNERS is for
            if later != pattern and overlaps(later, pattern) and not set(owners) <= set(later_owners):
                out.add((pattern, later))
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate):
        return
    words = [str(w).lower() for w in ctx.option("protected")]
    new = dict(after.options.get("rules", ())) if isinstance(after, Gate) else {}
    if isinstance(after, Gate):
        head_rules = tuple(after.options.get("rules", ()))
        base_rules = tuple(before.options.get("rules", ()))
        owned = {pattern for pattern, owners in base_rules if owners}
        was = overrides(base_rules, words)
        for pattern, later in sorted(overrides(head_rules, words) - was):
            if pattern not in owned:
                continue  # a line new in this change protected nothing in the base
            owners, later_owners = new.get(pattern, ()), new.get(later, ())
            shown = " ".join(later_owners) or "no owners"
            yield Hit(
                message=f"CODEOWNERS line for {pattern} ({' '.join(owners)}) is overridden for part of its files "
                f"by the later line {later} ({shown}): the last matching line wins",
                attr=f"owners[{pattern}].overridden[{later}]",
                head_route=(later,),
                base_route=(pattern,),
                before=list(owners),
                after=list(later_owners),
            )
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
