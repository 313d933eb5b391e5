"""A security scanner checks less than before.

## What it does
Compares the inputs that set a scanner's scope (CATALOGUE.md Signals S2): severities narrowed
(trivy `severity: HIGH,CRITICAL` → `CRITICAL`; anchore `severity-cutoff` raised), ignore lists
grown (`skip-dirs`, `skip-files`, `trivyignores`, checkov `skip_check`, KICS `exclude_*`,
dependency-review `allow-ghsas`), `ignore-unfixed`/`only-fixed` switched on, scanners or
frameworks dropped, CodeQL `languages` or `queries` reduced (`security-extended` → default).

## Why is this bad?
The scan still runs and passes, but whole classes of findings are no longer looked for.

## Example
```yaml
# base                                 # head
- uses: aquasecurity/trivy-action@…    - uses: aquasecurity/trivy-action@…
  with:                                  with:
    severity: HIGH,CRITICAL                severity: CRITICAL
```

## How to resolve
Keep the scope, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import HARDENING, SECURITY
from regress.kinds.ci.knobs import shown, weakened
from regress.kinds.ci.model import FAMILY
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or SECURITY not in (sb.classes | sa.classes) or HARDENING in sa.classes:
            continue
        for kc in weakened(sa.uses if sa.uses == sb.uses else None, sb.inputs, sa.inputs):
            if kc.knob.blocking:
                continue
            yield Hit(
                message=f"scan {sa.label} of {after.label} in {after.pipeline} checks less: {kc.knob.input}: "
                f"{shown(kc.before, kc.knob.default)} → {shown(kc.after, kc.knob.default)}",
                attr=f"step[{sa.key}].with.{kc.knob.input}",
                head_route=(*sa.route, "with", kc.knob.input),
                base_route=(*sb.route, "with", kc.knob.input),
                before=kc.effective_before,
                after=kc.effective_after,
                related=callers_related(after),
            )


RULE = Rule(
    code="CI036",
    name="security-scan-narrowed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
