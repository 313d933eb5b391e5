"""The path filter that decides whether tests run matches fewer files.

## What it does
Reads the `filters` of `dorny/paths-filter` steps and reports a filter that lost patterns
(`src/**` → `src/core/**`) when a test or scan job or step of the workflow runs only if that
filter's output is true (`if: needs.changes.outputs.<filter> == 'true'`). Patterns added, or a
narrower pattern replaced by a broader one, stay silent.

## Why is this bad?
The gating moved into data: changes outside the narrowed patterns skip the tests, and a skipped
job counts as passing.

## Example
```yaml
# base                              # head
filters: |                          filters: |
  tests:                              tests:
    - 'src/**'                          - 'src/core/**'
```

## How to resolve
Keep the patterns, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, TEST
from regress.kinds.ci.model import FAMILY, Step
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import jobs, jobs_of
from regress.rules.github import KINDS
from regress.yamlload import LoadError, load_text

_ACTION = "dorny/paths-filter"


def filters(step: Step) -> dict[str, set[str]]:
    raw = step.inputs.get("filters")
    if not isinstance(raw, str):
        return {}
    try:
        docs = load_text(raw).documents
    except LoadError:
        return {}
    doc: Any = docs[0] if docs else None
    out: dict[str, set[str]] = {}
    if isinstance(doc, dict):
        for name, pats in doc.items():
            items = pats if isinstance(pats, list) else [pats]
            out[str(name)] = {p for p in (_pattern(i) for i in items) if p}
    return out


def _pattern(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and len(item) == 1:
        value = next(iter(item.values()))
        return str(value) if isinstance(value, str) else None
    return None


def _covers(head: str, base: str) -> bool:
    prefix = re.sub(r"/?\*\*.*$", "", head)
    return head == base or head in ("**", "**/*") or (prefix != head and base.startswith(prefix + "/"))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None:
        return
    pipeline_jobs = list(jobs_of(ctx.head, after.platform, after.pipeline).values())
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or (sa.uses or "").lower() != _ACTION:
            continue
        old, new = filters(sb), filters(sa)
        for name, pats in old.items():
            now = new.get(name, set())
            lost = sorted(p for p in pats if not any(_covers(h, p) for h in now))
            if not lost:
                continue
            ref = re.compile(rf"outputs\.{re.escape(name)}(?![\w-])")
            gated = [
                j.label
                for j in pipeline_jobs
                if j.classes & {TEST, SECURITY}
                and (ref.search(j.condition or "") or any(ref.search(s.condition or "") for s in j.steps))
            ]
            if not gated:
                continue
            yield Hit(
                message=f"path filter {name!r} of {sa.label} in {after.pipeline} no longer matches {', '.join(lost)} "
                f"(now {sorted(now) or 'nothing'}), and it decides whether {', '.join(gated[:3])} runs",
                attr=f"paths-filter[{name}]",
                head_route=(*sa.route, "with", "filters"),
                base_route=(*sb.route, "with", "filters"),
                before=sorted(pats),
                after=sorted(now),
            )


RULE = Rule(
    code="GHA040",
    name="test-path-filter-narrowed",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
