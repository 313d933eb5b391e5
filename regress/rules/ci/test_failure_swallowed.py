"""A test or scan command's failure is now swallowed by the shell.

## What it does
Parses the `run:` script of every test and scanner step (and the script lines of other
platforms' jobs) and checks whether a failing classified command still fails the step, under the
step's effective shell: GitHub runs an unspecified shell as `bash -e {0}` (no pipefail), `bash` as
`bash --noprofile --norc -eo pipefail {0}`, `sh` as `sh -e {0}` (GitHub docs "Workflow syntax",
`shell`), with `defaults.run.shell` at workflow and job level applied. Reports a step whose
command did propagate its failure in the base and does not in the head: `|| true`, `|| :`,
`|| echo …`, `set +e` before it, `if ! cmd; then …; fi` with no non-zero exit, a pipe without
pipefail (`pytest | tee log`), a background `&`, a negation, a tool-level `--exit-zero`, or a
shell change that drops `-e`/pipefail where it matters (a custom `bash {0}`, `shell: bash`
removed above a pipe). A pipe into a reader that exits with the run's status still fails the
step: `go test -json | tparse`, `go test | go-junit-report -set-exit-code`.

## Why is this bad?
The step, and so the job and the required check, stays green whatever the tests or the scanner
find.

## Example
```yaml
# base                    # head
- run: pytest             - run: pytest || true
```

## How to resolve
Let the command fail; to keep output, use `set -o pipefail` or `shell: bash`; or approve the
finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEFAULT_PATTERNS, SECURITY, TEST, Patterns, classify_command, unwrap
from regress.kinds.ci.model import FAMILY, Job, Step
from regress.kinds.ci.pairing import pair_steps
from regress.kinds.ci.shell import shell_options, split, swallowed
from regress.kinds.ci.signals import EXIT_ZERO_FLAGS, RUNNERS
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs, patterns_of

_CLASSES = frozenset({TEST, SECURITY})


def _exit_zero(argv: tuple[str, ...]) -> str | None:
    text = " ".join(argv)
    tool = argv[0].rsplit("/", 1)[-1] if argv else ""
    flags = list(EXIT_ZERO_FLAGS.get(tool, ()))
    for runner in RUNNERS:
        if any(text.startswith(c) or argv[:1] == (c.split()[0],) for c in runner.commands):
            flags.extend(runner.non_failing)
    for flag in flags:
        if f" {flag} " in f" {text} " or any(w.startswith(flag + "=") for w in argv):
            return f"'{flag}' keeps it from failing"
    return None


def reasons(step: Step, patterns: Patterns = DEFAULT_PATTERNS) -> dict[str, str]:
    """Classified command (runner words) → why its failure no longer fails the step."""
    if step.run is None:
        return {}
    errexit, pipefail = shell_options(step.shell)
    cmds = split(step.run)
    out: dict[str, str] = {}
    for i, cmd in enumerate(cmds):
        if not classify_command(cmd.argv, patterns) & _CLASSES:
            continue
        words = unwrap(cmd.argv)
        key = " ".join(words[:2])
        why = swallowed(cmds, i, errexit, pipefail) or _exit_zero(words)
        if why:
            out.setdefault(key, why)
        else:
            out.setdefault(key, "")
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.type == "pipeline":
        # A workflow-level ``defaults.run.shell`` reaches jobs whose own text did not change.
        if change.before is None or change.after is None:
            return
        for obj in ctx.head.of_type(FAMILY, "job"):
            base_obj = ctx.base.get(FAMILY, obj.key)
            if not isinstance(obj.facts, Job) or base_obj is None or not isinstance(base_obj.facts, Job):
                continue
            if obj.facts.pipeline != change.after.key[-1]:
                continue
            for hit in _compare(base_obj.facts, obj.facts, patterns_of(ctx)):
                yield replace(hit, head_obj=obj, base_obj=base_obj, identity=obj.identity)
        return
    before, after = jobs(change)
    if before is None or after is None:
        return
    yield from _compare(before, after, patterns_of(ctx))


def _compare(before: Job, after: Job, patterns: Patterns) -> Iterator[Hit]:
    for sb, sa in pair_steps(before, after):
        if sb is None or sa is None or not (sa.classes | sb.classes) & _CLASSES:
            continue
        old, new = reasons(sb, patterns), reasons(sa, patterns)
        for key, why in new.items():
            if not why or old.get(key, "") != "" or key not in old:
                continue
            shell_note = f" (shell: {sb.shell} → {sa.shell})" if sb.shell != sa.shell else ""
            what = "test" if TEST in sa.classes else "scan"
            yield Hit(
                message=f"{what} `{key}` in {sa.label} of {after.label} in {after.pipeline} no longer fails "
                f"the step: {why}{shell_note}",
                attr=f"step[{sa.key}].run[{key}]",
                head_route=(*sa.route, "run"),
                base_route=(*sb.route, "run"),
                before=sb.run,
                after=sa.run,
                severity=Severity.HIGH if what == "scan" else None,
                category=Category.SECURITY if what == "scan" else None,
                related=callers_related(after),
            )


RULE = Rule(
    code="CI006",
    name="test-failure-swallowed",
    category=Category.TESTS,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "job"), (FAMILY, "pipeline")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
