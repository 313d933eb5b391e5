"""A coverage gate in a JVM or Ruby build file was lowered, removed or switched off.

## What it does
Reads the coverage checks declared in build files — jacoco `violationRules` limits and Kover
`minBound`/`bound { minValue }` rules in `build.gradle`/`build.gradle.kts`, the
jacoco-maven-plugin `check` goal's `<rules>` in `pom.xml`, SimpleCov's `minimum_coverage`,
`minimum_coverage_by_file` and `maximum_coverage_drop` in `.simplecov` and the test helpers — and
reports a minimum lowered (a maximum raised), a limit, rule or check goal removed while the
build file remains, a rule disabled, and a setting that lets the check pass on failure
(jacoco `failOnViolation = false`, Maven `<haltOnFailure>false</haltOnFailure>` or
`<skip>true</skip>`, Kover `warningInsteadOfFailure = true`). Limits are compared by what they
measure (element, counter, value; Kover's rule, unit and aggregation), so reordering or moving
them, rewriting Groovy as Kotlin DSL, or `0.80` as `80%`, is no change. Values that are not
literal numbers (a variable, a property the pom does not define) leave the file unknown: nothing
is reported for it, and a notice says so.

## Why is this bad?
`gradle check`, `mvn verify` and the test run fail below these thresholds; lowering or removing
them lets less tested code merge without the build turning red.

## Example
```kotlin
// base                                    // head
violationRules {                           violationRules {
    rule { limit { minimum = "0.8"             rule { limit { minimum = "0.6"
        .toBigDecimal() } }                        .toBigDecimal() } }
}                                          }
```

## How to resolve
Keep the threshold (raise it as coverage improves), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("build-coverage",)


def _num(v: float) -> str:
    return f"{v:g}"


def _weaker(direction: str, was: float, now: float) -> bool:
    return now < was if direction == "min" else now > was


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Gate) or not isinstance(after, Gate):
        return
    if before.options.get("unknown") or after.options.get("unknown"):
        return  # a side the scanners could not read: unknown, not removed (a notice says why)
    old: dict[str, list[float]] = change.before.body["gates"]
    new: dict[str, list[float]] = change.after.body["gates"]
    directions = {t.name: t.direction for t in before.thresholds}
    tool = change.after.label
    for key, values in old.items():
        now = new.get(key, [])
        direction = directions.get(key, "min")
        # Both lists are sorted strictest first: the n-th strictest limit of the head against
        # the n-th strictest of the base.
        for i, was in enumerate(values):
            if i < len(now) and not _weaker(direction, was, now[i]):
                continue
            lowered = i < len(now)
            yield Hit(
                message=f"{tool}: `{key}` "
                + (
                    f"{'lowered' if direction == 'min' else 'raised'}: {_num(was)} → {_num(now[i])}"
                    if lowered
                    else f"removed (was {_num(was)})"
                ),
                attr=f"gates[{key}]",
                head_route=("gates", key) if lowered else (),
                base_route=("gates", key),
                before=was,
                after=now[i] if lowered else None,
            )
            break
    for switch in after.options.get("switches", []):
        if switch in before.options.get("switches", []):
            continue
        yield Hit(
            message=f"{tool}: `{switch}` added — the coverage check no longer fails the build",
            attr=f"switches[{switch.rsplit('=', 1)[0].strip()}]",
            head_route=("switches", switch),
            before=None,
            after=switch,
        )


RULE = Rule(
    code="CV009",
    name="build-coverage-gate-lowered",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "build-coverage"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
