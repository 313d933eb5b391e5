"""A GitLab security scan template was removed, switched off, or narrowed.

## What it does
Compares the security scans a pipeline includes — templates such as `Jobs/SAST.gitlab-ci.yml`,
`Security/Secret-Detection.gitlab-ci.yml`, `Auto-DevOps.gitlab-ci.yml`, and the matching CI/CD
components — and reports when one is no longer included, is switched off by its variable
(`SAST_DISABLED`, `SECRET_DETECTION_DISABLED`, `DEPENDENCY_SCANNING_DISABLED`,
`CONTAINER_SCANNING_DISABLED`, `DAST_DISABLED`: `"true"` or `"1"` since GitLab 16.0), excludes more
analyzers (`SAST_EXCLUDED_ANALYZERS`, `DS_EXCLUDED_ANALYZERS`) or paths (`*_EXCLUDED_PATHS`,
compared with the template's default), has one of its jobs overridden with rules that never run,
or loses an override that made an analyzer blocking (`allow_failure: false`; the templates ship
`allow_failure: true`).

## Why is this bad?
These scans are how GitLab finds vulnerable code, leaked secrets and vulnerable dependencies in a
merge request; one variable switches a whole family off without touching any job.

## Example
```yaml
# base                                  # head
include:                                include:
  - template: Jobs/SAST.gitlab-ci.yml     - template: Jobs/SAST.gitlab-ci.yml
                                        variables:
                                          SAST_DISABLED: "true"
```

## How to resolve
Keep the scan on, or approve the finding with the reason. Variables set in the project or group
settings and scan execution policies are not visible here: if a policy enforces the scan, say so
in the approval.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Pipeline
from regress.kinds.gitlab.handler import ScanState
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gitlab import KINDS

_POLICY_NOTE = "; a scan execution policy or project-level settings may still enforce it"


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Pipeline) or not isinstance(after, Pipeline) or before.platform != "gitlab":
        return
    old: dict[str, ScanState] = dict(before.extra.get("scans") or {})
    new: dict[str, ScanState] = dict(after.extra.get("scans") or {})
    where = after.id
    for key, was in sorted(old.items()):
        if was.disabled:
            continue
        now = new.get(key)
        if now is None:
            yield Hit(
                message=f"{where}: {was.label} scanning is no longer included ({was.include} removed){_POLICY_NOTE}",
                attr=f"scan[{key}]",
                head_route=("include",),
                base_route=("include",),
                before=was.include,
                after=None,
                severity=Severity.HIGH,
            )
            continue
        if now.disabled:
            var = "disabled"
            yield Hit(
                message=f"{where}: {was.label} scanning is switched off by a variable{_POLICY_NOTE}",
                attr=f"scan[{key}].disabled",
                head_route=now.routes.get(var, ("variables",)),
                base_route=was.routes.get(var),
                before=False,
                after=True,
                severity=Severity.HIGH,
            )
            continue
        yield from _narrowed(where, key, was, now)


def _narrowed(where: str, key: str, was: ScanState, now: ScanState) -> Iterator[Hit]:
    added = sorted(now.excluded_analyzers - was.excluded_analyzers)
    if added:
        yield Hit(
            message=f"{where}: {was.label} analyzers excluded: {', '.join(added)}",
            attr=f"scan[{key}].excluded_analyzers",
            head_route=now.routes.get("excluded_analyzers", ("variables",)),
            base_route=was.routes.get("excluded_analyzers"),
            before=sorted(was.excluded_analyzers),
            after=sorted(now.excluded_analyzers),
        )
    paths = sorted(now.excluded_paths - was.excluded_paths)
    if paths:
        yield Hit(
            message=f"{where}: {was.label} no longer scans {', '.join(paths)} (excluded paths grew)",
            attr=f"scan[{key}].excluded_paths",
            head_route=now.routes.get("excluded_paths", ("variables",)),
            base_route=was.routes.get("excluded_paths"),
            before=sorted(was.excluded_paths),
            after=sorted(now.excluded_paths),
            severity=Severity.MEDIUM,
        )
    for job in sorted(now.jobs_off - was.jobs_off):
        yield Hit(
            message=f"{where}: {was.label} job {job!r} is overridden so that it never runs",
            attr=f"scan[{key}].job[{job}]",
            head_route=now.routes.get(f"job:{job}"),
            base_route=None,
            before="runs",
            after="never",
        )
    for job in sorted(was.blocking - now.blocking):
        yield Hit(
            message=f"{where}: {was.label} job {job!r} no longer fails the pipeline when it fails "
            "(the allow_failure: false override was removed; the template allows failure)",
            attr=f"scan[{key}].job[{job}].allow_failure",
            head_route=("template_jobs",),
            base_route=was.routes.get(f"blocking:{job}"),
            before=False,
            after=True,
            severity=Severity.MEDIUM,
        )


RULE = Rule(
    code="GL013",
    name="security-template-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
