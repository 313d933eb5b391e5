"""Automated dependency updates were switched off or narrowed.

## What it does
Reports a Dependabot (`.github/dependabot.yml`) or Renovate (`renovate.json` and its other
locations) configuration that was deleted — moving Renovate's file between its documented
locations is not a deletion — a Dependabot `updates` entry removed (an ecosystem or directory no
longer updated, e.g. `github-actions`; `directory` entries merged into one `directories` list,
globs included, are no change, and so is the entry of a folder the change deletes, or one whose
ecosystem became the other value for the same language's manifests: `pip` ↔ `uv`, `npm` ↔
`bun`), and
`insecure-external-code-execution: allow` added (zizmor `dependabot-execution`). OpenSSF
Scorecard's Dependency-Update-Tool check counts these files.

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

import re
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


#: Ecosystem values that update one language's manifests through different package managers
#: (Dependabot's "Supported ecosystems and repositories" table: `pip` covers pip, pip-compile,
#: pipenv and poetry, `uv` uv; `npm` covers npm, pnpm and yarn, `bun` bun). A project that moves
#: from one to the other keeps its dependencies updated.
_SAME_LANGUAGE = {"pip": "python", "uv": "python", "npm": "javascript", "bun": "javascript"}


def _language(ecosystem: str) -> str:
    return _SAME_LANGUAGE.get(ecosystem, ecosystem)


def _norm(directory: str) -> str:
    return "/" + directory.strip().strip("/")


def _covers(pattern: str, directory: str) -> bool:
    """Whether a Dependabot ``directories`` entry (``*`` one folder level, ``**`` any depth)
    names ``directory``; plain entries compare without their trailing slash."""
    pattern, directory = _norm(pattern), _norm(directory)
    if "*" not in pattern:
        return pattern == directory
    regex = "".join(
        ".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
        for part in re.split(r"(\*\*|\*)", pattern)
    )
    return re.fullmatch(regex, directory) is not None


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
            if any(_language(e) == _language(eco) and _covers(d, directory) for e, d in after.ecosystems):
                continue
            if directory in before.missing_elsewhere:
                continue  # the folder itself is gone: there is nothing left there to update
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
