"""A coverage gate was lowered or removed.

## What it does
Reads the coverage thresholds a job enforces — `pytest --cov-fail-under=N`,
`coverage report --fail-under=N`, `nyc`/`c8 --check-coverage --lines N`, `cargo tarpaulin
--fail-under N`, `cargo llvm-cov --fail-under-lines|functions|regions N`, coverlet
`dotnet test /p:Threshold=N` (also `-p:`/`-property:`, with `ThresholdType`; each of line,
branch and method coverage is a gate of its own) — and the inputs that make a coverage upload
fail the job (codecov-action `fail_ci_if_error`, default false per its README; coveralls
`fail-on-error`), and reports a threshold that went down or disappeared, an upload that stopped
failing the job, and a Maven command that gains `-Djacoco.haltOnFailure=false` or
`-Djacoco.skip=true` (the build file's `jacoco:check` no longer fails the build). Thresholds in
files (`.coveragerc`, `codecov.yml`, `pyproject.toml`) are checked by the coverage-file rules.

## Why is this bad?
Untested code can now merge without the check turning red; a silently failing upload means the
coverage status the reviewers look at is stale.

## Example
```yaml
# base                                  # head
- run: pytest --cov --cov-fail-under=90   - run: pytest --cov --cov-fail-under=75
```

## How to resolve
Keep the threshold (raise it as coverage improves), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.ci.classify import COVERAGE
from regress.kinds.ci.coverage_flags import coverage_gates, coverage_switches
from regress.kinds.ci.knobs import shown, weakened
from regress.kinds.ci.model import FAMILY, Job
from regress.kinds.ci.pairing import pair_steps
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.ci import KINDS
from regress.rules.ci.helpers import callers_related, jobs


def _gates(job: Job) -> dict[str, tuple[float, tuple[object, ...]]]:
    out: dict[str, tuple[float, tuple[object, ...]]] = {}
    for step in job.steps:
        for key, value in coverage_gates(step.run).items():
            if key not in out or value > out[key][0]:
                out[key] = (value, (*step.route, "run"))
    return out


def _num(v: float) -> str:
    return str(int(v)) if v.is_integer() else str(v)


def _switches(job: Job) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    for step in job.steps:
        for switch in coverage_switches(step.run):
            out.setdefault(switch, (*step.route, "run"))
    return out


def _lowered(before: Job, after: Job) -> Iterator[Hit]:
    old, new = _gates(before), _gates(after)
    # coverlet gates line, branch and method coverage apiece (`dotnet /p:Threshold[line]`); one
    # threshold lowered for all three is one finding naming the three.
    grouped: dict[tuple[str, float, float | None], list[str]] = {}
    for key, (value, _) in old.items():
        now = new.get(key)
        if now is not None and now[0] >= value:
            continue
        name, _, kind = key.partition("[")
        grouped.setdefault((name, value, now[0] if now else None), []).append(kind.rstrip("]"))
    for (name, value, now_value), kinds in grouped.items():
        key = f"{name}[{kinds[0]}]" if kinds[0] else name
        route = old[key][1]
        now = new.get(key)
        label = f"`{name}`" + (f" ({', '.join(kinds)})" if kinds[0] else "")
        yield Hit(
            message=f"coverage gate {label} of {after.label} in {after.pipeline} "
            + (
                f"lowered: {_num(value)} → {_num(now_value)}"
                if now_value is not None
                else f"removed (was {_num(value)})"
            ),
            attr=f"coverage[{name}]",
            head_route=now[1] if now else ("steps",),
            base_route=route,
            before=value,
            after=now_value,
            related=callers_related(after),
        )
    old_switches = _switches(before)
    for switch, route in _switches(after).items():
        if switch in old_switches:
            continue
        yield Hit(
            message=f"coverage gate of {after.label} in {after.pipeline} switched off: `{switch}` added",
            attr=f"coverage[{switch.partition('=')[0]}]",
            head_route=route,
            before=None,
            after=switch,
            related=callers_related(after),
        )


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = jobs(change)
    if before is None or after is None:
        return
    yield from _lowered(before, after)
    for sb, sa in pair_steps(before, after):
        if sb is None or COVERAGE not in sb.classes:
            continue
        if sa is None:
            for kc in weakened(sb.uses, sb.inputs, {}):
                if kc.knob.kind.value == "blocks-when-true":
                    yield Hit(
                        message=f"{sb.label} of {after.label} in {after.pipeline}, which failed the job on "
                        f"upload errors ({kc.knob.input}: {kc.before}), was removed",
                        attr=f"coverage[{sb.uses}]",
                        head_route=("steps",),
                        base_route=sb.route,
                        before=kc.before,
                        after=None,
                    )
            continue
        for kc in weakened(sa.uses, sb.inputs, sa.inputs):
            yield Hit(
                message=f"{sa.label} of {after.label} in {after.pipeline} no longer fails the job: "
                f"{kc.knob.input}: {shown(kc.before, kc.knob.default)} → {shown(kc.after, kc.knob.default)}",
                attr=f"coverage[{sa.uses}].{kc.knob.input}",
                head_route=(*sa.route, "with", kc.knob.input),
                base_route=(*sb.route, "with", kc.knob.input),
                before=kc.effective_before,
                after=kc.effective_after,
                related=callers_related(after),
            )


RULE = Rule(
    code="CI016",
    name="coverage-gate-lowered",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "job"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
