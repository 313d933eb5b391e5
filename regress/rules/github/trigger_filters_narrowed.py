"""A test or scan workflow's triggers filter out more pushes or pull requests than before.

## What it does
Compares the filters of `pull_request`, `pull_request_target`, `push` and `merge_group` in a
workflow with test or scan jobs: `branches`/`tags`/`paths` lists that lose entries or appear where
there were none, `branches-ignore`/`tags-ignore`/`paths-ignore` lists that grow, and pull request
`types` that no longer include `opened`, `synchronize` and `reopened` (GitHub's default set, GitHub
docs "Events that trigger workflows"), and `paths` lists that gain a `!` exclusion. Patterns are
compared by what they match, as GitHub's filter pattern cheat sheet defines it: `**.sh` covers
`.github/build.sh`, so a list rewritten with wider patterns is no narrowing (lists using `?`, `+`
or `!` are compared as text). Ignoring only documentation (`**.md`, `docs/**`) or a
project's standard text files (`COPYING`, `NEWS`, release notes) or repository metadata no build
reads (issue and pull request templates, `.editorconfig`, `.gitignore`) and a first branch filter naming
the default branch are reported at low severity; a first `push` branch filter in a workflow that
also runs on pull requests is not reported (branch work is tested through its pull request). A
`push` trigger that filters only branches runs on no tag, and one that filters only tags on no
branch (GitHub docs, workflow syntax): a filter added for the kind of ref it did not run on is a
widening, and a first tags filter where all tags ran is low severity (a tag names a commit tested on
its branch), and not reported beside pull requests, and push `tags-ignore` entries are low severity.
A default branch renamed (`master` → `main`, `trunk`) is no narrowing, nor is a maintenance branch
replaced by the next one beside the default branch (`['2.2.x', 'main']` → `['2.3.x', 'main']`: a
workflow file runs from the branch it is on, so the old branch keeps its own copy and filter), nor
is a branch filter moved to the branch the repository's other workflows name, away from branches
no workflow names any more (the default branch renamed `develop` → `main` in every workflow at
once, or a stale filter brought in line with the rest), nor
is a `push` filter of every branch (`'*'`) narrowed, or `branches-ignore` grown, in a workflow that
also runs on pull requests.

## Why is this bad?
A required workflow skipped by a filter stays *pending* (never passing) only when it is required;
otherwise the pull request simply merges without the tests having run on the changed paths or
branches.

## Example
```yaml
# base                          # head
on:                             on:
  pull_request:                   pull_request:
                                    paths-ignore: ['src/legacy/**']
```

## How to resolve
Keep the filters, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci import globs
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Pipeline
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import pipeline_jobs, pipelines
from regress.rules.github import KINDS

_EVENTS = ("pull_request", "pull_request_target", "push", "merge_group")
_INCLUDE = ("branches", "tags", "paths")
_EXCLUDE = ("branches-ignore", "tags-ignore", "paths-ignore")
#: GitHub's activity types for pull_request when ``types`` is not given.
DEFAULT_PR_TYPES = frozenset({"opened", "synchronize", "reopened"})
#: Documentation and a project's standard text files (the GNU Coding Standards' "Releases" list
#: README, NEWS, COPYING, AUTHORS and ChangeLog; LICENSE, NOTICE and release notes are their kin,
#: sometimes numbered to sort first, as ``00-RELEASENOTES``).
_DOCS = re.compile(
    r"(\.md|\.rst|\.txt|\.adoc)$|(^|/)(docs?|documentation)/"
    r"|(^|/)(\d+-)?(LICEN[CS]E|COPYING|NOTICE|AUTHORS|CONTRIBUTORS|CHANGELOG|CHANGES|NEWS|README|RELEASE[-_]?NOTES|COPYRIGHT)",
    re.I,
)
#: Files only GitHub or an editor reads, never a build or a test: issue, discussion and pull
#: request templates, CODEOWNERS and FUNDING.yml (GitHub docs, "Customizing your repository"),
#: editor settings (.editorconfig), and git's own ignore and mailmap files, which a clean
#: checkout does not act on.
_METADATA = re.compile(
    r"(^|/)\.github/(ISSUE_TEMPLATE|DISCUSSION_TEMPLATE|PULL_REQUEST_TEMPLATE)(/|\.|$)"
    r"|(^|/)(\.github/)?(pull_request_template(\.md)?|CODEOWNERS|FUNDING\.ya?ml)$"
    r"|(^|/)\.(editorconfig|gitignore|mailmap)$",
    re.I,
)
_EVERYTHING = frozenset({"*", "**", "**/*"})
_DEFAULT_BRANCHES = frozenset({"main", "master", "develop", "trunk"})


#: Characters GitHub's filter patterns give a meaning the glob comparison does not share: ``?``
#: and ``+`` act on the preceding character, ``!`` at the start negates the patterns before it
#: (GitHub docs, workflow syntax, "Filter pattern cheat sheet"), and braces are literal there.
_UNCOMPARED = re.compile(r"[?+{}]|^!")


def uncovered(before: set[str], after: set[str]) -> set[str]:
    """The patterns of ``before`` that no pattern of ``after`` matches a superset of: ``**.sh``
    covers ``.github/build.sh`` (``*`` matches anything but ``/``, ``**`` anything, as in GitHub's
    cheat sheet). Lists using syntax the comparison does not model are compared as text."""
    if any(_UNCOMPARED.search(p) for p in before | after):
        return before - after
    return set(globs.lost(tuple(sorted(before)), tuple(sorted(after))))


def _items(value: Any) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value}
    return set()


_REFS = {"branches": "tags", "tags": "branches"}


def _refs_undefined(filters: dict[str, Any], key: str) -> bool:
    """True when a ``push`` trigger runs on no ref of ``key``'s kind: GitHub runs a push
    workflow that filters only branches on no tag, and one that filters only tags on no branch
    (GitHub docs, workflow syntax, ``on.push.<branches|tags>``)."""
    other = _REFS[key]
    return (
        filters.get(key) is None
        and filters.get(key + "-ignore") is None
        and (filters.get(other) is not None or filters.get(other + "-ignore") is not None)
    )


#: Names a repository's default branch goes by; renaming it (``master`` → ``main``) renames the
#: filters that name it in the same change.
_DEFAULT_NAMES = frozenset({"main", "master", "trunk"})


def _renamed_default(lost: set[str], gained: set[str]) -> set[str]:
    """The branches lost, less one default-branch name that another default-branch name replaced."""
    old, new = lost & _DEFAULT_NAMES, gained & _DEFAULT_NAMES
    if len(old) == 1 and len(new) == 1:
        return lost - old
    return lost


#: A maintenance branch: ``2.2.x``, ``release-1.4``, ``release/1.4``, ``stable-5.0``, ``v2``.
_MAINTENANCE = re.compile(
    r"^(?:(?:release|releases|stable|maint|maintenance|v)[-/_]?)?\d+(?:\.\d+)*(?:\.x)?(?:-(?:maint|stable))?$"
)


def _shape(branch: str) -> tuple[str, tuple[int, ...]]:
    """``release-1.4`` → (``release-N.N``, (1, 4)): the name's pattern and its version."""
    return re.sub(r"\d+", "N", branch), tuple(int(n) for n in re.findall(r"\d+", branch))


def _rotated_maintenance(lost: set[str], gained: set[str], after: set[str]) -> set[str]:
    """The branches lost, less maintenance branches replaced by a newer one of the same pattern
    in a filter that still names the default branch (``['2.2.x', 'main']`` → ``['2.3.x', 'main']``).
    A workflow file runs from the branch it is on: the filter names the maintenance branch so that
    the next one, cut from the default branch, carries it; the old branch keeps its own copy."""
    if not after & _DEFAULT_NAMES:
        return lost
    newer = [_shape(g) for g in gained if _MAINTENANCE.match(g)]
    out = set()
    for branch in lost:
        shape, version = _shape(branch)
        if _MAINTENANCE.match(branch) and any(s == shape and v > version for s, v in newer):
            continue
        out.add(branch)
    return out


def narrowed(
    event: str, before: dict[str, Any], after: dict[str, Any], has_pr: bool = False
) -> list[tuple[str, str, bool]]:
    """(filter, description, minor) for each way ``after`` lets fewer runs through; ``minor``
    marks low-severity narrowing (documentation ignored, a first branch filter naming the default
    branch)."""
    out: list[tuple[str, str, bool]] = []
    if (
        event == "push"
        and not has_pr
        and _refs_undefined(after, "branches")
        and not _refs_undefined(before, "branches")
    ):
        out.append(("branches", "it now runs on tag pushes only, no branch push", False))
    for key in _INCLUDE:
        b, a = _items(before.get(key)), _items(after.get(key))
        if a is None or a & _EVERYTHING:
            continue
        if b is None:
            if before.get(key + "-ignore") is not None:
                continue
            if event == "push" and key in _REFS and _refs_undefined(before, key):
                # The base ran on no pushes of this kind of ref: a filter now is a widening.
                continue
            if event == "push" and key == "tags":
                # Tags name commits already tested on their branch, and beside pull requests
                # that branch work is tested through its pull request, as for a branch filter.
                if not has_pr:
                    out.append((key, f"{key} filter added: {sorted(a)}", True))
                continue
            if key == "branches" and event == "push" and has_pr:
                continue  # branch work is still tested through its pull request
            out.append((key, f"{key} filter added: {sorted(a)}", key == "branches" and bool(a & _DEFAULT_BRANCHES)))
            continue
        if key == "branches" and event == "push" and has_pr and b & _EVERYTHING:
            continue  # as a first filter: branch work is still tested through its pull request
        lost = _renamed_default(uncovered(b, a), a - b)
        if key == "branches":
            lost = _rotated_maintenance(lost, a - b, a)
        if b & _EVERYTHING or lost:
            out.append((key, f"{key} {sorted(b)} → {sorted(a)}", False))
            continue
        # A pattern starting with ``!`` takes back what the patterns before it matched (GitHub
        # docs, "Filter pattern cheat sheet"): a new one is a narrowing the lists above keep.
        negated = {p for p in a - b if p.startswith("!")}
        if negated:
            minor = all(_DOCS.search(p) or _METADATA.search(p) for p in negated)
            out.append((key, f"{key} gained exclusions {sorted(negated)}", minor))
    for key in _EXCLUDE:
        b, a = _items(before.get(key)) or set(), _items(after.get(key)) or set()
        grown = uncovered(a, b)
        if key == "branches-ignore" and event == "push" and has_pr:
            continue  # as with a push branch filter: branch work is tested through its pull request
        if grown:
            side = {g for g in grown if _DOCS.search(g) or _METADATA.search(g)}
            minor = side == grown or (event == "push" and key == "tags-ignore")
            desc = f"{key} gained {sorted(grown)}"
            if side and not minor:
                # Name what the runs are lost for; the documentation beside it is no loss.
                desc = f"{key} gained {sorted(grown - side)} (and documentation or repository files {sorted(side)})"
            out.append((key, desc, minor))
    if event.startswith("pull_request"):
        bt = _items(before.get("types")) or set(DEFAULT_PR_TYPES)
        at = _items(after.get("types")) or set(DEFAULT_PR_TYPES)
        lost = (bt - at) & DEFAULT_PR_TYPES
        if lost:
            out.append(("types", f"types no longer include {sorted(lost)}", False))
    return out


_BRANCH_EVENTS = ("push", "pull_request", "pull_request_target", "merge_group")


def _named_branches(pipeline: Pipeline) -> set[str]:
    """Every branch a pipeline's branch filters name."""
    out: set[str] = set()
    for event in _BRANCH_EVENTS:
        trigger = pipeline.triggers.get(event)
        if trigger is not None:
            out |= _items(trigger.filters.get("branches")) or set()
    return out


def _realigned(ctx: RuleContext, obj: ModelObject, before: Any, after: Any) -> bool:
    """Whether a branch filter moved to the branch the repository's other workflows run on, away
    from branches no workflow names any more: the default branch renamed (``develop`` →
    ``main``) in every workflow at once, or a stale filter brought in line with the rest. A
    workflow file runs from the branch it is on, and the branches it lost are named by no
    workflow of the head, so no work there is left with fewer checks than elsewhere; one
    workflow on its own, or a lost branch still named elsewhere, stays a narrowing."""
    b, a = _items(before) or set(), _items(after) or set()
    lost, gained = uncovered(b, a), a - b
    if not lost or not gained:
        return False
    others: list[set[str]] = []
    for o in ctx.around("head", obj):
        if o.family == FAMILY and o.type == "pipeline" and isinstance(o.facts, Pipeline):
            named = _named_branches(o.facts)
            if named & lost:
                return False  # a workflow (this one, through another trigger) still runs there
            if o.origin.path != obj.origin.path:
                others.append(named)
    return bool(others) and all(any(g in named for named in others) for g in gained)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = pipelines(change)
    if before is None or after is None:
        return
    classes: set[str] = set()
    for job in pipeline_jobs(ctx.head, after):
        classes |= job.classes
    if not classes & {TEST, SECURITY}:
        return
    for event in _EVENTS:
        if event not in before.triggers or event not in after.triggers:
            continue
        b, a = dict(before.triggers[event].filters), dict(after.triggers[event].filters)
        has_pr = any(e in after.triggers for e in ("pull_request", "pull_request_target"))
        for key, desc, docs in narrowed(event, b, a, has_pr):
            if key == "branches" and _realigned(ctx, change.obj, b.get(key), a.get(key)):
                continue
            yield Hit(
                message=f"workflow {after.id} runs on fewer {event} events: {desc}",
                attr=f"on.{event}.{key}",
                head_route=("on", event, key),
                base_route=("on", event),
                before=b.get(key),
                after=a.get(key),
                severity=Severity.LOW if docs else None,
                category=None if TEST in classes else Category.SECURITY,
            )


RULE = Rule(
    code="GHA011",
    name="trigger-filters-narrowed",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
