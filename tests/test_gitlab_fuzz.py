"""Random GitLab configurations — include graphs with cycles, deep extends chains, broken
references, odd values — never make the handler or the engine raise."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regress.engine import analyze
from regress.kinds.base import Unit
from regress.kinds.gitlab.handler import GitLabHandler
from regress.source.base import ChangeType, EntryType, PathChange
from tests.memsnap import MemorySnapshot, context

NAMES = [".t0", ".t1", ".t2", "unit", "lint", "deploy", "missing", ".nope"]
EXPRS = [
    '$CI_PIPELINE_SOURCE == "merge_request_event"',
    "$CI_COMMIT_TAG",
    "$RUN && $X =~ /a(b/",
    '($A == "1" || $B != null',
    "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PROJECT_PATH == 'g/p'",
    "",
]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["x", "", "manual", "never"]))


@st.composite
def rule(draw: Any) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f"if: {json.dumps(draw(st.sampled_from(EXPRS)))}")
    if draw(st.booleans()):
        parts.append(f"when: {draw(st.sampled_from(['never', 'manual', 'always', 'on_success', 'delayed', 'bogus']))}")
    if draw(st.booleans()):
        parts.append("changes: [src/**]")
    if draw(st.booleans()):
        parts.append("exists: [Dockerfile]")
    return "{" + ", ".join(parts) + "}"


@st.composite
def job(draw: Any, name: str) -> str:
    lines = [f"{name}:"]
    if draw(st.booleans()):
        parents = draw(st.lists(st.sampled_from(NAMES), max_size=3))
        lines.append(f"  extends: {parents!r}".replace("'", '"'))
    script = draw(st.sampled_from(["[pytest]", "[pytest || true]", "'make check'", "[[a, [b]]]", "{x: 1}", "42"]))
    lines.append(f"  script: {script}")
    if draw(st.booleans()):
        ref = draw(st.lists(st.sampled_from([*NAMES, "script", "rules", "x"]), max_size=3))
        lines.append(f"  before_script: [!reference {ref!r}]".replace("'", '"'))
    kind = draw(st.sampled_from(["rules", "only", "except", "none", "both"]))
    if kind in ("rules", "both"):
        lines.append("  rules: [" + ", ".join(draw(st.lists(rule(), max_size=3))) + "]")
    if kind in ("only", "both"):
        only = draw(st.sampled_from(["[schedules]", "[branches, /^rel/]", "{refs: [tags]}", "{changes: [a]}", "x"]))
        lines.append(f"  only: {only}")
    if kind == "except":
        lines.append("  except: {variables: ['$X == \"1\"']}")
    for key in ("allow_failure", "when", "needs", "parallel", "environment", "trigger", "stage"):
        if draw(st.integers(0, 4)) == 0:
            value = draw(
                st.sampled_from(
                    [
                        "true",
                        "{exit_codes: [1]}",
                        "manual",
                        "[]",
                        "{matrix: [{A: [1, 2]}]}",
                        "production",
                        "{include: f1.yml, strategy: depend}",
                        "null",
                    ]
                )
            )
            lines.append(f"  {key}: {value}")
    return "\n".join(lines)


@st.composite
def pipeline(draw: Any) -> dict[str, str]:
    count = draw(st.integers(0, 5))
    files = [f"f{i}.yml" for i in range(count)]
    out: dict[str, str] = {}
    for path in [".gitlab-ci.yml", *files]:
        parts = []
        includes = draw(
            st.lists(st.sampled_from([*files, "absent.yml", "ci/*.yml", "https://x.test/a.yml"]), max_size=4)
        )
        if includes:
            parts.append("include:\n" + "".join(f"  - {i}\n" for i in includes))
        if draw(st.booleans()):
            parts.append("workflow:\n  rules: [" + ", ".join(draw(st.lists(rule(), max_size=2))) + "]\n")
        if draw(st.booleans()):
            parts.append(f"variables: {{SAST_DISABLED: '{draw(st.sampled_from(['true', '1', 'no']))}'}}\n")
        for name in draw(st.lists(st.sampled_from(NAMES), max_size=4, unique=True)):
            parts.append(draw(job(name)) + "\n")
        if draw(st.integers(0, 6)) == 0:
            parts.append(draw(st.sampled_from(["unit: [\n", "- a\n- b\n", "key: value: x\n", "42\n", ""])))
        out[path] = "".join(parts)
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pipeline())
def test_loading_never_raises(files: dict[str, str]) -> None:
    result = GitLabHandler().load(Unit("gitlab-ci", ".gitlab-ci.yml"), context(files))
    for obj in result.objects:
        assert obj.family == "ci"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pipeline(), pipeline())
def test_the_engine_never_raises_on_random_pairs(base: dict[str, str], head: dict[str, str]) -> None:
    b, h = MemorySnapshot(base, "base"), MemorySnapshot(head, "head")
    changes = []
    for path in sorted(base.keys() | head.keys()):
        if base.get(path) == head.get(path):
            continue
        kind = ChangeType.ADDED if path not in base else ChangeType.DELETED if path not in head else ChangeType.MODIFIED
        changes.append(
            PathChange(path, kind, EntryType.FILE if path in base else None, EntryType.FILE if path in head else None)
        )
    report = analyze(b, h, changes)
    assert not [f for f in report.findings if f.code == "REG002"], [f.message for f in report.findings]
    assert not [n for n in report.notices if "internal error" in n.message], report.notices
