"""The GITHUB_TOKEN of a workflow or job may do more than before.

## What it does
Compares effective token permissions scope by scope on the lattice none < read < write, with
`read-all`/`write-all` expanded and a job-level block replacing the workflow-level one (GitHub
docs "Workflow syntax", `permissions`). Reports a scope that went up (`contents: read` → `write`,
`id-token: write` added, `write-all`), and an explicit block removed, which falls back to the
repository's default — write to everything on repositories created before February 2023 unless
an administrator changed it. A new workflow that asks for `write-all` is reported too.

A workflow-level block matters only to the jobs that take it: one removed where every job sets
its own block widens nothing (each job's own change is compared on its own). A job that
only calls a local reusable workflow hands its token on, and the callee's blocks can only lower it
(GitHub docs "Reusing workflows", "Access and permissions"): when each job of the callee sets a
block (or the callee sets one for all), the removal is judged on the token capped by them. A
block widened on purpose (`write-all` above jobs that keep their own) is still reported: every
job added later takes it. A
callee with a job that sets none, or one of another repository, gets the token as it is.

## Why is this bad?
Every step of the job, including third-party actions and whatever a compromised dependency runs,
can use the token: `contents: write` pushes code, `id-token: write` mints cloud credentials,
`packages: write` publishes images.

## Example
```yaml
# base                         # head
permissions:                   permissions:
  contents: read                 contents: read
                                 pull-requests: write
```

## How to resolve
Grant the narrowest scope to the one job that needs it, or approve the finding with the reason.
Severity follows zizmor's `excessive-permissions` per scope; a widening that only grants reading
(`contents: none` → `read`, which any job that checks out the code needs) is low.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Job, Pipeline
from regress.kinds.ci.signals import ALL_SCOPES, HIGH_SCOPES, LOW_SCOPES
from regress.model import Change
from regress.rules.base import Hit, Index, Rule, RuleContext
from regress.rules.ci.helpers import jobs, pipeline_jobs, pipeline_obj, pipelines
from regress.rules.github import KINDS

_LEVEL = {"none": 0, "read": 1, "write": 2}
_NAMES = {0: "none", 1: "read", 2: "write"}
#: The repository default when no block is given: treated as the worst case.
DEFAULT = "(repository default)"
_SHOW = 4


def effective(perms: Any) -> Mapping[str, int] | None:
    """Scope → level; None when no block is given (the repository default applies)."""
    if perms is None:
        return None
    if isinstance(perms, str):
        low = perms.strip().lower()
        if low in ("read-all", "write-all"):
            level = 1 if low == "read-all" else 2
            return dict.fromkeys(ALL_SCOPES, level)
        return dict.fromkeys(ALL_SCOPES, 2)  # an expression or typo: assume the worst
    if isinstance(perms, dict):
        out = dict.fromkeys(ALL_SCOPES, 0)
        for scope, level in perms.items():
            out[str(scope)] = _LEVEL.get(str(level).strip().lower(), 2)
        return out
    return None


def _severity(scopes: list[str], read_only: bool) -> Severity:
    if read_only:
        return Severity.LOW  # reading, not writing: what a job needs to check out or list things
    if any(s in HIGH_SCOPES for s in scopes):
        return Severity.HIGH
    if all(s in LOW_SCOPES for s in scopes):
        return Severity.LOW
    return Severity.MEDIUM


def _compare(before: Any, after: Any) -> tuple[list[str], str, bool] | None:
    """(widened scopes, description, whether each widened scope is only readable now) or None."""
    b, a = effective(before), effective(after)
    if a is None and b is not None:
        return (
            sorted(s for s, v in b.items() if v < 2) or ["(all)"],
            "block removed: falls back to the repository default",
            False,
        )
    if a is None or b is None:
        return None
    widened = sorted(s for s, v in a.items() if v > b.get(s, 0))
    if not widened:
        return None
    parts = [f"{s}: {_NAMES[b.get(s, 0)]} → {_NAMES[a[s]]}" for s in widened]
    desc = ", ".join(parts[:_SHOW]) + (f" and {len(parts) - _SHOW} more scopes" if len(parts) > _SHOW else "")
    return widened, desc, all(a[s] <= 1 for s in widened)


def _reaches_a_job(before: Any, after: Any, head_jobs: list[Job]) -> bool:
    """Whether the workflow-level widening reaches a job of the head. A job with its own block
    does not take the workflow's (GitHub docs "Workflow syntax", `jobs.<job_id>.permissions`), and
    a job that calls a local reusable workflow hands on a token its callee's blocks can only
    lower (GitHub docs "Reusing workflows", "Access and permissions"): ``callee_permissions``."""
    if not head_jobs:
        return True  # no job to read: the workflow's block is all there is
    b = effective(before)
    if b is None:
        return True
    a = effective(after) or dict.fromkeys(ALL_SCOPES, 2)  # the repository default: the worst case
    for job in head_jobs:
        if job.permissions is not None:
            continue
        caps = job.extra.get("callee_permissions")
        capped = a
        if isinstance(caps, tuple) and caps:
            ceiling = {s: max((effective(c) or {}).get(s, 2) for c in caps) for s in a}
            capped = {s: min(v, ceiling[s]) for s, v in a.items()}
        if any(v > b.get(s, 0) for s, v in capped.items()):
            return True
    return False


def _workflow_perms(index: Index, job: Any) -> Any:
    obj = pipeline_obj(index, job)
    return obj.facts.permissions if obj is not None and isinstance(obj.facts, Pipeline) else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.type == "pipeline":
        before, after = pipelines(change)
        if after is None:
            return
        if before is None:
            if isinstance(after.permissions, str) and after.permissions.strip().lower() == "write-all":
                yield Hit(
                    message=f"new workflow {after.id} grants its token write-all",
                    attr="permissions",
                    head_route=("permissions",),
                    after="write-all",
                    severity=Severity.HIGH,
                )
            return
        found = _compare(before.permissions, after.permissions)
        # A block removed where no job takes it is tidying up; one widened on purpose (`write-all`
        # above jobs that keep their own) is still a grant every job added later inherits.
        removed = after.permissions is None
        if found and (
            not removed or _reaches_a_job(before.permissions, after.permissions, pipeline_jobs(ctx.head, after))
        ):
            scopes, desc, read_only = found
            yield Hit(
                message=f"token permissions of workflow {after.id} widened: {desc}",
                attr="permissions",
                head_route=("permissions",),
                base_route=("permissions",),
                before=before.permissions,
                after=after.permissions,
                severity=_severity(scopes, read_only) if scopes != ["(all)"] else Severity.HIGH,
            )
        return
    jb, ja = jobs(change)
    if jb is None or ja is None or (jb.permissions is None and ja.permissions is None):
        return
    b = jb.permissions if jb.permissions is not None else _workflow_perms(ctx.base, jb)
    a = ja.permissions if ja.permissions is not None else _workflow_perms(ctx.head, ja)
    found = _compare(b, a)
    if found:
        scopes, desc, read_only = found
        yield Hit(
            message=f"token permissions of {ja.label} in {ja.pipeline} widened: {desc}",
            attr="permissions",
            head_route=("permissions",),
            base_route=("permissions",),
            before=b,
            after=a,
            severity=_severity(scopes, read_only) if scopes != ["(all)"] else Severity.HIGH,
        )


RULE = Rule(
    code="GHA022",
    name="token-permissions-widened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"), (FAMILY, "job")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
