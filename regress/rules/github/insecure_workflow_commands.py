"""The deprecated `set-env`/`add-path` workflow commands were switched back on.

## What it does
Reports `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` set in a workflow's, job's or step's `env:` where
it was not before.

## Why is this bad?
GitHub disabled these commands because any text a step prints — a test name, a log line from a
dependency — can set environment variables such as `NODE_OPTIONS` or prepend to `PATH` for the
following steps (GHSA-mfwh-5m23-j46w).

## Example
```yaml
# head
env:
  ACTIONS_ALLOW_UNSECURE_COMMANDS: true
```

## How to resolve
Write to `$GITHUB_ENV` and `$GITHUB_PATH` instead, or approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.knobs import text
from regress.kinds.ci.model import FAMILY
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.github import KINDS

VAR = "ACTIONS_ALLOW_UNSECURE_COMMANDS"


def _routes(body: Any) -> dict[Route, bool]:
    """env blocks of a workflow or job body (and its steps) → whether they enable the commands."""
    out: dict[Route, bool] = {}
    if not isinstance(body, dict):
        return out
    candidates: list[Route] = [("env",)]
    steps = body.get("steps")
    if isinstance(steps, list):
        candidates += [("steps", i, "env") for i in range(len(steps))]
    for route in candidates:
        node: Any = body
        for step in route:
            found = (isinstance(node, dict) and step in node) or (
                isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
            )
            node = node[step] if found else None
            if node is None:
                break
        if isinstance(node, dict) and VAR in node:
            value = text(node[VAR]) or ""
            out[route] = value.lower() == "true" or "${{" in value
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.after is None:
        return
    was = any(_routes(change.before.body).values()) if change.before is not None else False
    if was:
        return
    for route, on in _routes(change.after.body).items():
        if on:
            yield Hit(
                message=f"{change.after.label} enables the insecure set-env/add-path workflow commands ({VAR})",
                attr=VAR,
                head_route=(*route, VAR),
                after=True,
            )
            return


RULE = Rule(
    code="GHA033",
    name="insecure-workflow-commands",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "pipeline"), (FAMILY, "job")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
