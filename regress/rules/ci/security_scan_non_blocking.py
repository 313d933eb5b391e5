"""A security scanner no longer fails the build on findings.

## What it does
Compares the inputs and flags that decide whether a scanner fails, with each tool's documented
default standing in for an absent input (CATALOGUE.md Signals S2): trivy-action `exit-code: '1'`
→ `'0'` or absent (its default is 0, never fails), anchore `fail-build: false` (default true),
checkov/tfsec `soft_fail: true`, dependency-review `warn-only: true` or `fail-on-severity` raised,
zap `fail_action` removed (default false), hadolint `no-fail: true`, KICS `ignore_on_exit`; on the
command line `--exit-code 1` dropped (trivy, gitleaks), `--exit-zero` added (bandit), semgrep
`--error` dropped, `snyk test` → `snyk monitor`. `continue-on-error` and `|| true` on a scanner are
reported by `test-failure-ignored` and `test-failure-swallowed`.

## Why is this bad?
The scanner still runs and the job is still green, so the check looks like protection while
vulnerabilities and leaked secrets pass.

## Example
```yaml
# base                                 # head
- uses: aquasecurity/trivy-action@…    - uses: aquasecurity/trivy-action@…
  with: {exit-code: '1'}                 with: {exit-code: '0'}
```

## How to resolve
Restore the blocking setting (suppress individual findings in the tool's ignore file instead), or
approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import SECURITY, unwrap
from regress.kinds.ci.knobs import shown, weakened
from regress.kinds.ci.model import FAMILY, Step
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.ci.shell import split
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs


def _exit_code(words: tuple[str, ...]) -> str | None:
    for i, w in enumerate(words):
        if w.startswith("--exit-code="):
            return w.split("=", 1)[1]
        if w == "--exit-code" and i + 1 < len(words):
            return words[i + 1]
    return None


def cli_blocking(step: Step) -> dict[str, bool]:
    """Scanner command (tool words) → whether it fails on findings, for the CLIs S2 names."""
    out: dict[str, bool] = {}
    for cmd in split(step.run or ""):
        words = unwrap(cmd.argv)
        tool = words[0].rsplit("/", 1)[-1] if words else ""
        if tool in ("trivy", "gitleaks", "grype"):
            code = _exit_code(words)
            if tool == "grype":
                out[tool] = "--fail-on" in words or any(w.startswith("--fail-on=") for w in words) or "-f" in words
            else:
                # trivy exits 0 on findings unless --exit-code is set; gitleaks exits 1 by default.
                out[tool] = code not in (None, "0") if tool == "trivy" else code != "0"
        elif tool == "semgrep" and len(words) > 1:
            out[tool] = words[1] == "ci" or "--error" in words
        elif tool == "snyk" and len(words) > 1:
            out[tool] = words[1] != "monitor"
        elif tool in ("bandit", "ruff", "flake8", "pylint") and tool == "bandit":
            out[tool] = "--exit-zero" not in words
        elif tool == "checkov":
            out[tool] = "--soft-fail" not in words
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or SECURITY not in (sb.classes | sa.classes):
            continue
        for kc in weakened(sa.uses if sa.uses == sb.uses else None, sb.inputs, sa.inputs):
            if not kc.knob.blocking:
                continue
            yield Hit(
                message=f"scan {sa.label} of {after.label} in {after.pipeline} no longer fails on findings: "
                f"{kc.knob.input}: {shown(kc.before, kc.knob.default)} → {shown(kc.after, kc.knob.default)}",
                attr=f"step[{sa.key}].with.{kc.knob.input}",
                head_route=(*sa.route, "with", kc.knob.input),
                base_route=(*sb.route, "with", kc.knob.input),
                before=kc.effective_before,
                after=kc.effective_after,
                related=callers_related(after),
            )
        old, new = cli_blocking(sb), cli_blocking(sa)
        for tool, blocks in new.items():
            if old.get(tool) and not blocks:
                yield Hit(
                    message=f"scan `{tool}` in {sa.label} of {after.label} in {after.pipeline} no longer fails on "
                    "findings (its failing flag was dropped or a non-failing mode chosen)",
                    attr=f"step[{sa.key}].run[{tool}]",
                    head_route=(*sa.route, "run"),
                    base_route=(*sb.route, "run"),
                    before=sb.run,
                    after=sa.run,
                    related=callers_related(after),
                )


RULE = Rule(
    code="CI035",
    name="security-scan-non-blocking",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
