"""Coverage gates a pipeline command enforces, read from its flags.

Thresholds (``tool flag`` → minimum percentage) and switches that turn a build file's gate off
(``mvn -Djacoco.haltOnFailure=false``). The key names the tool as well as the flag so that the
same flag of two tools (``--fail-under`` of coverage.py and of cargo-tarpaulin) never pair.
"""

from __future__ import annotations

import re

from regress.kinds.ci.classify import unwrap
from regress.kinds.ci.shell import split

_COVERAGE_FLAGS = frozenset(
    f.lower()
    for f in (
        "--cov-fail-under",
        "--fail-under",
        # cargo-llvm-cov: `--fail-under-lines|functions|regions <MIN>` (percent), README option list.
        "--fail-under-lines",
        "--fail-under-functions",
        "--fail-under-regions",
        "--lines",
        "--branches",
        "--functions",
        "--statements",
        "--test-coverage-lines",
    )
)

#: MSBuild property switches: `-p:`, `/p:`, `-property:`, `/property:` and `--property:`; one may
#: carry several `Name=Value` pairs separated by `;`. Property names are case-insensitive.
_MSBUILD_PROPERTY = re.compile(r"(?i)^(?:--?|/)(?:p|property):(.+)$")

#: coverlet.msbuild: `Threshold` defaults to 0 (no gate) and `ThresholdType` to
#: `line,branch,method` (coverlet.msbuild.props). A single value applies to every type; a
#: comma-separated list pairs with the types in order (Documentation/MSBuildIntegration.md).
_COVERLET_TYPES = ("line", "branch", "method")

#: Cargo subcommands that gate coverage (`cargo tarpaulin --fail-under N`, `cargo llvm-cov
#: --fail-under-lines N`); also run as `cargo-tarpaulin`/`cargo-llvm-cov` binaries.
_CARGO_COVERAGE = ("tarpaulin", "llvm-cov")

#: jacoco-maven-plugin `check`: `haltOnFailure` (user property `jacoco.haltOnFailure`, default
#: true) and `skip` (user property `jacoco.skip`, default false); with either set this way the
#: build passes whatever the coverage (https://www.jacoco.org/jacoco/trunk/doc/check-mojo.html).
_MAVEN_SWITCHES = {"jacoco.haltonfailure": ("jacoco.haltOnFailure", "false"), "jacoco.skip": ("jacoco.skip", "true")}
_MAVEN = frozenset({"mvn", "mvnw", "mvn.cmd", "mvnw.cmd"})


def _tool(words: tuple[str, ...]) -> str:
    tool = words[0].rsplit("/", 1)[-1]
    if tool.startswith("cargo-") and tool.removeprefix("cargo-") in _CARGO_COVERAGE:
        return "cargo " + tool.removeprefix("cargo-")
    if tool == "cargo":
        # `cargo +nightly --locked tarpaulin`: the first plain word is the subcommand.
        sub = next((w for w in words[1:] if not w.startswith(("+", "-"))), "")
        if sub in _CARGO_COVERAGE:
            return f"cargo {sub}"
    if tool in _MAVEN:
        return "mvn"
    return tool


def _msbuild_properties(words: tuple[str, ...]) -> dict[str, str]:
    props: dict[str, str] = {}
    for w in words:
        m = _MSBUILD_PROPERTY.match(w)
        if not m:
            continue
        for pair in m.group(1).split(";"):
            name, eq, value = pair.partition("=")
            if eq:
                props[name.strip().lower()] = value.strip().strip('"\\').strip()
    return props


def _coverlet(tool: str, props: dict[str, str], out: dict[str, float]) -> None:
    """``tool /p:Threshold[type]`` for every coverage type coverlet gates."""
    if "threshold" not in props:
        return
    raw = props.get("thresholdtype")
    types = tuple(t.strip().lower() for t in raw.split(",")) if raw else _COVERLET_TYPES
    try:
        values = [float(v) for v in props["threshold"].split(",")]
    except ValueError:
        return  # `$(CoverageMin)` and the like: unknown, not removed
    if len(values) == 1:
        values = values * len(types)
    if len(values) != len(types):
        return
    for kind, value in zip(types, values, strict=True):
        out[f"{tool} /p:Threshold[{kind}]"] = value


def coverage_gates(script: str | None) -> dict[str, float]:
    """``tool flag`` → threshold for every coverage gate a script enforces (CATALOGUE.md S3, CV-09)."""
    out: dict[str, float] = {}
    if not script:
        return out
    for cmd in split(script):
        words = unwrap(cmd.argv)
        if not words:
            continue
        tool = _tool(words)
        for i, w in enumerate(words):
            name, eq, value = w.partition("=")
            if name.lower() not in _COVERAGE_FLAGS:
                continue
            if name in ("--lines", "--branches", "--functions", "--statements") and "--check-coverage" not in words:
                continue
            if not eq and i + 1 < len(words):
                value = words[i + 1]
            try:
                out[f"{tool} {name}"] = float(value)
            except ValueError:
                continue
        _coverlet(tool, _msbuild_properties(words), out)
    return out


def coverage_switches(script: str | None) -> frozenset[str]:
    """Flags that switch a build file's coverage gate off, as ``tool -Dproperty=value``."""
    found: set[str] = set()
    if not script:
        return frozenset()
    for cmd in split(script):
        words = unwrap(cmd.argv)
        if not words or _tool(words) != "mvn":
            continue
        for i, w in enumerate(words):
            if w == "-D" and i + 1 < len(words):
                prop = words[i + 1]
            elif w.startswith("-D"):
                prop = w[2:]
            else:
                continue
            name, eq, value = prop.partition("=")
            switch = _MAVEN_SWITCHES.get(name.lower())
            # `-Djacoco.skip` without a value sets the property to "true" (Maven CLI).
            if switch and (value if eq else "true").strip().lower() == switch[1]:
                found.add(f"mvn -D{switch[0]}={switch[1]}")
    return frozenset(found)
