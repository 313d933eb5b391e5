"""A coverage gate in a JVM, .NET, Ruby or Rust build file was lowered, removed or switched off.

## What it does
Reads the coverage checks declared in build files — jacoco `violationRules` limits and Kover
`minBound`/`bound { minValue }` rules in `build.gradle`/`build.gradle.kts` (a root script's
`subprojects {}` and `buildSrc` convention plugins count as the root build's), the
jacoco-maven-plugin `check` goal's `<rules>` in `pom.xml`, SimpleCov's `minimum_coverage`,
`minimum_coverage_by_file` and `maximum_coverage_drop` in `.simplecov` and the test helpers,
coverlet.msbuild's `<Threshold>`, `<ThresholdType>` and `<ThresholdStat>` as a .NET project
(`*.csproj`, `*.fsproj`, `*.vbproj`) evaluates them with its `Directory.Build.props` and
`Directory.Build.targets`, cargo-tarpaulin's `fail-under` in `tarpaulin.toml` (else
`.tarpaulin.toml`; the one tarpaulin checks: the `report` table's, else the first run's) — and
reports a minimum lowered (a maximum raised), a limit, rule, threshold or check goal removed
while the build file remains, a rule disabled, and a setting
that lets the check pass on failure (jacoco `failOnViolation = false`, Maven
`<haltOnFailure>false</haltOnFailure>` or `<skip>true</skip>`, Kover
`warningInsteadOfFailure = true`, `<CollectCoverage>false</CollectCoverage>` beside a
coverlet threshold). Limits are compared by what they measure (element, counter, value; Kover's
rule, unit and aggregation; coverlet's coverage type and statistic), so reordering or moving
them, rewriting Groovy as Kotlin DSL, `0.80` as `80%`, moving Gradle limits from `subprojects {}`
to a convention plugin or into each project's own build file (as strict, added by the same
change), or a coverlet threshold from the project file to
`Directory.Build.props`, is no change. A coverlet threshold set under a
`Condition` counts as one more bar of the same measure: moving it into or out of a conditional
group is no change, lowering it is reported. A .NET project is read only when it references the
`coverlet.msbuild` package, which is what applies the thresholds; the projects a shared
`Directory.Build.props` change weakens alike are one finding, naming how many they are. Values that are not literal
numbers (a variable, a property the pom or the project does not define) and MSBuild or TOML
files that do not parse leave the project unknown: nothing is reported for it, and a notice says so.

## Why is this bad?
`gradle check`, `mvn verify`, `dotnet test`, `cargo tarpaulin` and the test run fail below these
thresholds; lowering or removing them lets less tested code merge without the build turning red.

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

from collections.abc import Hashable, Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("build-coverage", "msbuild-coverage")


def _num(v: float) -> str:
    return f"{v:g}"


def _weaker(direction: str, was: float, now: float) -> bool:
    return now < was if direction == "min" else now > was


#: coverlet gates each coverage type separately (``coverlet <type> <stat>``), but one
#: ``Threshold`` usually sets them all: the same change to several types is one finding.
_COVERLET_TYPES = ("line", "branch", "method")


def _merged(weakened: list[tuple[str, float, float | None]]) -> list[tuple[str, float, float | None]]:
    """Coverlet types weakened alike become one ``coverlet line/branch/method <stat>`` entry."""
    groups: dict[tuple[str, float, float | None], list[str]] = {}
    out: list[tuple[str, float, float | None]] = []
    for key, was, now in weakened:
        words = key.split(" ")
        if len(words) == 3 and words[0] == "coverlet" and words[1] in _COVERLET_TYPES:
            group = groups.setdefault((words[2], was, now), [])
            if not group:
                out.append((key, was, now))  # placeholder, replaced below
            group.append(words[1])
        else:
            out.append((key, was, now))
    for (stat, was, now), types in groups.items():
        ordered = sorted(types, key=_COVERLET_TYPES.index)
        first = f"coverlet {types[0]} {stat}"
        i = out.index((first, was, now))
        out[i] = (f"coverlet {'/'.join(ordered)} {stat}", was, now)
    return out


def _parts(key: str) -> list[str]:
    """The gate keys a (merged) key stands for."""
    words = key.split(" ")
    if len(words) == 3 and words[0] == "coverlet" and "/" in words[1]:
        return [f"coverlet {t} {words[2]}" for t in words[1].split("/")]
    return [key]


def _shared_settings(obj: ModelObject) -> Hashable:
    """Projects whose coverlet gates are the same values set on the same lines (of a shared
    ``Directory.Build.props``) share this; any other object is its own group."""
    if obj.origin.kind != "msbuild-coverage":
        return obj.key
    return repr(sorted(obj.body.items()))


def _peers(change: Change, ctx: RuleContext) -> list[tuple[str, ...]]:
    """The projects that changed exactly as this one did (itself included), sorted."""
    assert change.before is not None and change.after is not None
    head = ctx.head.grouped(FAMILY, _shared_settings).get(_shared_settings(change.after), [])
    base = ctx.base.grouped(FAMILY, _shared_settings).get(_shared_settings(change.before), [])
    return sorted({o.key for o in head} & {o.key for o in base})


def _moved_down(change: Change, ctx: RuleContext, key: str, was: float, direction: str) -> bool:
    """A limit gone from a root build that builds in folders below it gained, as strict, with
    this change: the root's ``subprojects {}`` written out in each project's own build file is a
    move, not a removal. Only gates the change gave them count, so a project that already had
    its own limit does not excuse the root's."""
    assert change.after is not None
    system, folder = change.after.key[1], change.after.key[2]
    if change.after.origin.kind != "build-coverage":
        return False
    prefix = f"{folder}/" if folder else ""
    before_by_key = {o.key: o for o in ctx.base.of_type(FAMILY, change.after.type)}
    found = False
    for obj in ctx.head.of_type(FAMILY, change.after.type):
        if obj.key[1] != system or not str(obj.key[2]).startswith(prefix) or obj.key == change.after.key:
            continue
        limits = obj.body.get("gates", {}).get(key, [])
        if not limits:
            continue
        old = before_by_key.get(obj.key)
        if old is not None and old.body.get("gates", {}).get(key):
            continue  # it had this limit already
        if any(_weaker(direction, was, value) for value in limits):
            return False
        found = True
    return found


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    before, after = change.before.facts, change.after.facts
    if not isinstance(before, Gate) or not isinstance(after, Gate):
        return
    if before.options.get("unknown") or after.options.get("unknown"):
        return  # a side the scanners could not read: unknown, not removed (a notice says why)
    peers = _peers(change, ctx) if change.after.origin.kind == "msbuild-coverage" else []
    if len(peers) > 1 and change.after.key != peers[0]:
        return  # reported once, by the first of the projects a shared file changed alike
    old: dict[str, list[float]] = change.before.body["gates"]
    new: dict[str, list[float]] = change.after.body["gates"]
    # Bars a stricter gate of the head implies (coverlet: a per-module minimum implies the same
    # total and average), which stand in for a base gate written the weaker way.
    implied: dict[str, list[float]] = change.after.body.get("implied", {})
    directions = {t.name: t.direction for t in before.thresholds}
    tool = change.after.label
    if len(peers) > 1:
        tool += f" and {len(peers) - 1} other project{'s' if len(peers) > 2 else ''} set alike"
    weakened: list[tuple[str, float, float | None]] = []
    for key, values in old.items():
        direction = directions.get(key, "min")
        now = sorted([*new.get(key, []), *implied.get(key, [])], reverse=direction == "min")
        # Both lists are sorted strictest first: the n-th strictest limit of the head against
        # the n-th strictest of the base.
        for i, was in enumerate(values):
            if i < len(now) and not _weaker(direction, was, now[i]):
                continue
            if i >= len(now) and _moved_down(change, ctx, key, was, direction):
                break
            weakened.append((key, was, now[i] if i < len(now) else None))
            break
    for key, was, now_value in _merged(weakened):
        direction = next((directions[k] for k in _parts(key) if k in directions), "min")
        yield Hit(
            message=f"{tool}: `{key}` "
            + (
                f"{'lowered' if direction == 'min' else 'raised'}: {_num(was)} → {_num(now_value)}"
                if now_value is not None
                else f"removed (was {_num(was)})"
            ),
            attr=f"gates[{key}]",
            head_route=("gates", _parts(key)[0], _num(now_value)) if now_value is not None else (),
            base_route=("gates", _parts(key)[0], _num(was)),
            before=was,
            after=now_value,
        )
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
