"""Fuzzing the GitHub Actions model builder and the CI rules with workflow-shaped garbage: wrong
types anywhere, odd expressions, broken matrices. No exception may escape and no rule may fail."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regress.api import diff_folders

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 400),
    st.sampled_from(
        [
            "pytest || true",
            "${{ matrix.x }}",
            "${{ fromJSON(needs.a.outputs.m) }}",
            "always() && github.ref == 'refs/heads/main'",
            "actions/checkout@v4",
            "./.github/actions/x",
            "./.github/workflows/other.yml",
            "self-hosted",
            "inherit",
            "write-all",
            "bash {0}",
            "${{ github.event.pull_request.title }}",
            "(",
            "",
        ]
    ),
    st.text(max_size=12),
)
KEYS = st.sampled_from(
    [
        "on",
        "jobs",
        "steps",
        "run",
        "uses",
        "with",
        "if",
        "needs",
        "strategy",
        "matrix",
        "include",
        "exclude",
        "continue-on-error",
        "permissions",
        "environment",
        "runs-on",
        "container",
        "services",
        "secrets",
        "shell",
        "defaults",
        "timeout-minutes",
        "concurrency",
        "env",
        "test",
        "deploy",
        "parallel",
    ]
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=30,
)
BASE = {
    "on": ["push", "pull_request"],
    "jobs": {
        "test": {
            "runs-on": "ubuntu-latest",
            "strategy": {"matrix": {"py": ["3.10", "3.11"]}},
            "steps": [{"uses": "actions/checkout@v4"}, {"run": "pytest"}],
        },
        "deploy": {"needs": ["test"], "environment": "production", "steps": [{"run": "./deploy.sh"}]},
    },
}


def _write(root: Path, doc: Any) -> None:
    target = root / ".github" / "workflows" / "ci.yml"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(doc, ensure_ascii=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs=st.dictionaries(st.sampled_from(["test", "deploy", "lint", "x"]), VALUES, max_size=3), top=VALUES)
def test_no_exception_and_no_failed_rule(jobs: dict[str, Any], top: Any) -> None:
    head = {"on": top if not isinstance(top, dict) else ["push"], "jobs": jobs}
    if isinstance(top, dict):
        head.update({k: v for k, v in top.items() if k != "jobs"})
    with tempfile.TemporaryDirectory() as tmp:
        base_dir, head_dir = Path(tmp) / "base", Path(tmp) / "head"
        _write(base_dir, BASE)
        _write(head_dir, head)
        report = diff_folders(base_dir, head_dir)
    failed = [f.message for f in report.findings if f.code == "REG002"]
    assert not failed
