"""A local composite action or reusable workflow now skips its tests by default.

## What it does
Reports a boolean input of a local composite action (`inputs.<name>.default` in `action.yml`) or
a local reusable workflow (`on.workflow_call.inputs.<name>.default`) whose default went from
true to false (or lost its default, which is empty and so false) when the input decides whether
a test or scan step or job runs (`if: inputs.<name>`). The finding is located at the callee, with
the workflows that call it as related locations; callers that pass the input explicitly are not
affected, which the diff shows. Other weakenings inside a local callee (`|| true` in its steps, a
removed test step) are reported by the same rules as in a workflow, at the callee.

## Why is this bad?
Every caller that relies on the default silently stops running those tests, while no workflow
file changed.

## Example
```yaml
# .github/actions/test/action.yml
inputs:
  run-e2e:
    default: true      # → false
runs:
  using: composite
  steps:
    - if: inputs.run-e2e == 'true'
      run: npm run test:e2e
      shell: bash
```

## How to resolve
Keep the default, set the input explicitly in every caller that needs it, or approve the finding.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.knobs import text
from regress.kinds.ci.model import COMPOSITE_ID, FAMILY, Job
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import callers_related, jobs, jobs_of, pipelines
from regress.rules.github import KINDS

_GATES = frozenset({TEST, SECURITY})


def _truthy(value: Any) -> bool:
    shown = text(value)
    return shown is not None and shown.lower() == "true"


def _gated(jobs_: list[Job], name: str) -> list[str]:
    """Labels of test/scan jobs or steps whose condition reads ``inputs.<name>``."""
    ref = re.compile(rf"inputs\.{re.escape(name)}(?![\w-])")
    out: list[str] = []
    for job in jobs_:
        if job.classes & _GATES and job.condition and ref.search(job.condition):
            out.append(job.label)
        out.extend(s.label for s in job.steps if s.classes & _GATES and s.condition and ref.search(s.condition))
    return out


def _weakened(before: Any, after: Any) -> list[str]:
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    out = []
    for name, spec in before.items():
        new = after.get(name)
        was_on = isinstance(spec, dict) and _truthy(spec.get("default"))
        if was_on and isinstance(new, dict) and not _truthy(new.get("default")):
            out.append(str(name))
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.type == "pipeline":
        pb, pa = pipelines(change)
        if pb is None or pa is None or "workflow_call" not in pa.triggers or "workflow_call" not in pb.triggers:
            return
        names = _weakened(
            pb.triggers["workflow_call"].filters.get("inputs"), pa.triggers["workflow_call"].filters.get("inputs")
        )
        head_jobs = list(jobs_of(ctx.head, pa.platform, pa.id).values())
        related = callers_related(head_jobs[0]) if head_jobs else ()
        yield from _hits(names, head_jobs, ("on", "workflow_call", "inputs"), f"reusable workflow {pa.id}", related)
        return
    jb, ja = jobs(change)
    if jb is None or ja is None or ja.id != COMPOSITE_ID:
        return
    names = _weakened(jb.extra.get("inputs"), ja.extra.get("inputs"))
    yield from _hits(names, [ja], ("inputs",), f"composite action {ja.pipeline}", callers_related(ja))


def _hits(names: list[str], jobs_: list[Job], route: Route, where: str, related: Any) -> Iterator[Hit]:
    for name in names:
        gated = _gated(jobs_, name)
        if not gated:
            continue
        yield Hit(
            message=f"input {name!r} of {where} now defaults to false, so by default it no longer runs "
            f"{', '.join(gated[:3])}",
            attr=f"inputs.{name}.default",
            head_route=(*route, name, "default"),
            base_route=(*route, name, "default"),
            before=True,
            after=False,
            related=related,
        )


RULE = Rule(
    code="GHA039",
    name="callee-input-default-weakened",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"), (FAMILY, "pipeline")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
