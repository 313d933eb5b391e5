"""Random documents for the CircleCI, Bitbucket, Azure and gate-file handlers: bad input becomes
errors and notices, never an exception, and the engine's rules never fail on what they load."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regress.engine import analyze
from regress.source.base import ChangeType, EntryType, PathChange
from tests.memsnap import MemorySnapshot

KEYS = [
    # CircleCI
    "version",
    "jobs",
    "workflows",
    "commands",
    "orbs",
    "parameters",
    "steps",
    "run",
    "command",
    "requires",
    "filters",
    "branches",
    "only",
    "ignore",
    "type",
    "approval",
    "when",
    "unless",
    "condition",
    "matrix",
    "store_test_results",
    "docker",
    "image",
    "name",
    "default",
    "setup",
    # Bitbucket
    "pipelines",
    "default",
    "pull-requests",
    "tags",
    "custom",
    "step",
    "parallel",
    "stage",
    "script",
    "after-script",
    "trigger",
    "manual",
    "deployment",
    "pipe",
    "variables",
    "changesets",
    "includePaths",
    # Azure
    "stages",
    "job",
    "deployment",
    "dependsOn",
    "continueOnError",
    "enabled",
    "task",
    "inputs",
    "template",
    "extends",
    "pr",
    "strategy",
    "runOnce",
    "deploy",
    "environment",
    "resources",
    "repositories",
    "ref",
    # gate files
    "coverage",
    "status",
    "project",
    "patch",
    "target",
    "threshold",
    "informational",
    "codecov",
    "require_ci_to_pass",
    "skip-check",
    "soft-fail",
    "exit-code",
    "severity",
    "rules",
    "disable",
    "ignore",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 120),
    st.sampled_from(
        [
            "pytest",
            "npm test || true",
            "main",
            "/.*/",
            "off",
            "90%",
            "auto",
            "none",
            "ManualValidation@1",
            "templates/x.yml",
            "x.yml@repo",
            "<< pipeline.parameters.a >>",
            "${{ parameters.x }}",
            "atlassian/x:1",
            "node/test",
            "*",
        ]
    ),
)
values = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=30,
)
PATHS = [
    ".circleci/config.yml",
    "bitbucket-pipelines.yml",
    "azure-pipelines.yml",
    "templates/x.yml",
    "codecov.yml",
    ".checkov.yaml",
    "trivy.yaml",
    ".snyk",
    ".github/zizmor.yml",
    ".github/dependency-review-config.yml",
]
TEXT_FILES = {
    "package.json": st.sampled_from(
        ['{"scripts": {"test": "jest"}}', '{"jest": {"coverageThreshold": 5}}', "[1,", "{}"]
    ),
    "pyproject.toml": st.sampled_from(
        [
            "[tool.coverage.report]\nfail_under = 'x'\n",
            "[[broken",
            "",
            "[tool.pytest.ini_options]\naddopts = ['-k', 'not x']\n",
        ]
    ),
    ".trivyignore": st.sampled_from(["CVE-1\n", "", "# c\nCVE-2 exp:2020-01-01\n"]),
    "CODEOWNERS": st.sampled_from(["* @a\n", "", "[Section]\n/.github/ @b\n", "x"]),
    "vitest.config.ts": st.sampled_from(["test: {coverage: {thresholds: {lines: 1}}}", "test: {coverage: ...x}", ""]),
}


@st.composite
def tree(draw: Any) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=5, unique=True)):
        files[path] = json.dumps(draw(values))
    for path, strategy in TEXT_FILES.items():
        if draw(st.booleans()):
            files[path] = draw(strategy)
    return files


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree(), tree())
def test_random_pipeline_and_gate_files_never_break_the_engine(base: dict[str, str], head: dict[str, str]) -> None:
    changes = [
        PathChange(
            path,
            ChangeType.MODIFIED,
            EntryType.FILE if path in base else None,
            EntryType.FILE if path in head else None,
        )
        for path in sorted(base.keys() | head.keys())
        if base.get(path) != head.get(path)
    ]
    report = analyze(MemorySnapshot(base, "base"), MemorySnapshot(head, "head"), changes)
    assert [f.message for f in report.findings if f.code == "REG002"] == []
    assert [n.message for n in report.notices if "internal error" in n.message] == []
