"""A job lost its runner hardening (step-security/harden-runner removed or relaxed).

## What it does
Reports a job that ran `step-security/harden-runner` in the base and does not in the head, and a
hardening step whose `egress-policy` went from `block` to `audit` or whose `disable-sudo: true`
was dropped. Removal is reported even when the step was only auditing: its egress log is what
shows a compromised build calling home. Removing the whole job is not reported here.

## Why is this bad?
Harden-runner is the monitor (audit) or the fence (block) between a build and the network; release
and publish jobs, which hold tokens and signing keys, are where supply-chain attacks exfiltrate.

## Example
```yaml
# base                                               # head
steps:                                               steps:
  - uses: step-security/harden-runner@<sha>            - uses: actions/checkout@<sha>
    with: {egress-policy: audit}
  - uses: actions/checkout@<sha>
```

## How to resolve
Keep the step (first in the job), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import HARDENING
from regress.kinds.ci.knobs import shown, weakened
from regress.kinds.ci.model import FAMILY
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci.helpers import callers_related, jobs
from regress.rules.github import KINDS


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    had = [s for s in before.steps if HARDENING in s.classes and s.via is None]
    has = [s for s in after.steps if HARDENING in s.classes]
    if had and not has:
        step = had[0]
        yield Hit(
            message=f"{after.label} in {after.pipeline} no longer runs {step.uses or 'runner hardening'}",
            attr="hardening",
            head_route=step.route[:-1],
            base_route=step.route,
            before=step.uses,
            after=None,
            related=callers_related(after),
        )
        return
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or HARDENING not in sb.classes:
            continue
        for kc in weakened(sa.uses, sb.inputs, sa.inputs):
            yield Hit(
                message=f"{sa.label} of {after.label} in {after.pipeline} relaxed {kc.knob.input}: "
                f"{shown(kc.before, kc.knob.default)} → {shown(kc.after, kc.knob.default)}",
                attr=f"hardening.{kc.knob.input}",
                head_route=(*sa.route, "with", kc.knob.input),
                base_route=(*sb.route, "with", kc.knob.input),
                before=kc.effective_before,
                after=kc.effective_after,
                severity=Severity.MEDIUM,
            )


RULE = Rule(
    code="GHA037",
    name="runner-hardening-removed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
