"""Failing tests are now retried until they pass.

## What it does
Reports a test command that is newly wrapped in a retry action (`nick-fields/retry`,
`wandalen/wretry.action`; names (unverified) in CATALOGUE.md), a retry action whose
`max_attempts` went up, and retry flags of the runners added or raised: pytest `--reruns`,
Playwright/Cypress/Jest `--retries`, Bazel `--flaky_test_attempts`, ctest
`--repeat until-pass:N`, and a test run followed in the same script by its runner's rerun of
the failures (`ctest` then `ctest --rerun-failed`, `pytest` then `pytest --lf`) whose result
decides the step.

## Why is this bad?
A test that fails and then passes is a flaky test or a race in the code; retries make both green
and hide real intermittent bugs. Low severity: sometimes it is the right trade-off.

## Example
```yaml
# base                      # head
- run: npm run test:e2e     - uses: nick-fields/retry@v3
                              with:
                                max_attempts: 3
                                command: npm run test:e2e
```

## How to resolve
Fix or quarantine the flaky tests, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import TEST, classify_script
from regress.kinds.ci.model import FAMILY, Step
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.ci.shell import rerun_of, shell_options, split, swallowed
from regress.kinds.ci.signals import RETRY_ACTIONS
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import jobs

_RETRY_FLAGS = re.compile(r"(--reruns|--retries|--flaky_test_attempts|--repeat)[= ](?:until-pass:)?(\d+)")


def _retry_action(step: Step) -> int | None:
    """Attempts of a retry action that runs a test command, else None."""
    if not step.uses or step.uses.lower() not in RETRY_ACTIONS:
        return None
    command = step.inputs.get("command")
    if not isinstance(command, str) or TEST not in classify_script(command)[0]:
        return None
    attempts = step.inputs.get("max_attempts", step.inputs.get("attempt_limit", 1))
    try:
        return int(str(attempts))
    except ValueError:
        return 2


def _flag_retries(step: Step) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in _RETRY_FLAGS.finditer(step.run or "")}


def _reruns(step: Step) -> dict[str, str]:
    """Test runs a later command of the same script runs again for their failures (``ctest``
    then ``ctest --rerun-failed``): the tool → the rerun as written."""
    if step.run is None:
        return {}
    cmds = split(step.run)
    errexit, pipefail = shell_options(step.shell)
    out: dict[str, str] = {}
    for i, cmd in enumerate(cmds):
        j = rerun_of(cmds, i)
        # A rerun whose own failure is swallowed decides nothing: test-failure-swallowed's.
        if j is not None and swallowed(cmds, j, errexit, pipefail) is None:
            out.setdefault(cmd.argv[0].rsplit("/", 1)[-1] if cmd.argv else "", cmds[j].text.strip())
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    pairs = pair_steps(before, after)
    for sb, sa in pairs:
        if sa is None:
            continue
        now = _retry_action(sa)
        if now is not None and now > 1:
            was = _retry_action(sb) if sb is not None else None
            if was is None and sb is None:
                command = str(sa.inputs.get("command", ""))
                ran_plain = any(s.run and " ".join(s.run.split()) == " ".join(command.split()) for s in before.steps)
                if not ran_plain:
                    continue  # a new test, retried from the start: a test added
            if was is None or now > was:
                yield Hit(
                    message=f"test `{sa.inputs.get('command')}` in {after.label} of {after.pipeline} is now retried "
                    f"up to {now} times by {sa.uses}" + (f" (was {was})" if was else ""),
                    attr=f"step[{sa.key}].retries",
                    head_route=(*sa.route, "with"),
                    base_route=sb.route if sb is not None else None,
                    before=was,
                    after=now,
                )
        if sb is not None and TEST in sa.classes:
            was_rerun = _reruns(sb)
            for tool, rerun in _reruns(sa).items():
                if tool not in was_rerun:
                    yield Hit(
                        message=f"test command in {sa.label} of {after.label} in {after.pipeline} now reruns failing "
                        f"tests and passes if they pass again: `{rerun}` added",
                        attr=f"step[{sa.key}].rerun[{tool}]",
                        head_route=(*sa.route, "run"),
                        base_route=(*sb.route, "run"),
                        before=None,
                        after=rerun,
                    )
            old = _flag_retries(sb)
            for flag, n in _flag_retries(sa).items():
                if n > old.get(flag, 0):
                    yield Hit(
                        message=f"test command in {sa.label} of {after.label} in {after.pipeline} now retries failing "
                        f"tests: {flag} {old[flag]} → {n}"
                        if flag in old
                        else f"test command in {sa.label} of {after.label} in {after.pipeline} now retries failing "
                        f"tests: {flag} {n} added",
                        attr=f"step[{sa.key}].{flag}",
                        head_route=(*sa.route, "run"),
                        base_route=(*sb.route, "run"),
                        before=old.get(flag),
                        after=n,
                    )


RULE = Rule(
    code="CI045",
    name="test-retries-added",
    category=Category.RELIABILITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
