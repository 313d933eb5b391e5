"""A release job no longer signs, attests or records what it builds.

## What it does
Reports a provenance step that ran in the base and runs nowhere in the head:
`actions/attest-build-provenance`, `actions/attest-sbom`, the SLSA generator,
`sigstore/cosign-installer`, `anchore/sbom-action`, and `cosign sign`/`cosign attest`/`syft`
commands (CATALOGUE.md Signals S2 "provenance"). A step moved verbatim elsewhere is not removed.

## Why is this bad?
Consumers who verify signatures or provenance (admission policies, `gh attestation verify`,
`cosign verify`) either start failing open or can no longer tell a genuine artifact from a
tampered one.

## Example
```yaml
# base                                            # head
- uses: actions/attest-build-provenance@v2        (step removed)
  with: {subject-path: dist/*}
```

## How to resolve
Keep the step, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import PROVENANCE
from regress.kinds.ci.model import FAMILY
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs, runs_elsewhere
from regress.rules.ci.security_scan_removed import tool


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    before, after = jobs(change)
    if before is None or after is None:
        return
    still = {tool(s) for s in after.steps if PROVENANCE in s.classes}
    for sb, sa in pair_steps(before, after):
        if sb is None or sb.via is not None or PROVENANCE not in sb.classes:
            continue
        if sa is not None and PROVENANCE in sa.classes:
            continue
        if tool(sb) in still or runs_elsewhere(sb, ctx):
            continue
        yield Hit(
            message=f"{sb.label} ({tool(sb)}) was removed from {after.label} in {after.pipeline}: what it builds is no "
            "longer signed or attested",
            attr=f"provenance[{tool(sb)}]",
            head_route=sb.route[:-1],
            base_route=sb.route,
            before=tool(sb),
            after=None,
            related=callers_related(after),
        )


RULE = Rule(
    code="CI038",
    name="provenance-removed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
