"""What counts as running only the base branch's code under a privileged trigger."""

from __future__ import annotations

from typing import Any

import pytest

from regress.kinds.ci.model import Step
from regress.kinds.github.base_code import base_checkout, base_module_script, base_script


def _checkout(**inputs: Any) -> Step:
    return Step(key="checkout", index=0, route=("steps", 0), uses="actions/checkout", inputs=inputs)


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({}, True),
        ({"fetch-depth": 0, "persist-credentials": False}, True),
        ({"ref": ""}, True),
        ({"ref": "main"}, True),
        ({"ref": "${{ github.sha }}"}, True),
        ({"ref": "${{ github.event.pull_request.base.sha }}"}, True),
        ({"ref": "${{github.event.repository.default_branch}}"}, True),
        ({"repository": "${{ github.repository }}"}, True),
        ({"ref": "${{ github.event.pull_request.head.sha }}"}, False),
        ({"ref": "${{ github.head_ref }}"}, False),
        ({"ref": "refs/pull/${{ github.event.number }}/merge"}, False),
        ({"ref": "${{ steps.pr.outputs.sha }}"}, False),
        ({"ref": "${{ inputs.ref }}"}, False),
        ({"ref": 12}, False),
        ({"repository": "${{ github.event.pull_request.head.repo.full_name }}"}, False),
        ({"repository": "example/tools"}, False),
    ],
)
def test_base_checkout(inputs: dict[str, Any], expected: bool) -> None:
    assert base_checkout(_checkout(**inputs)) is expected


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("./.github/scripts/triage.sh", True),
        ('.github/bot/label.sh "$NUMBER"', True),
        ("python3 .github/bot/sweep.py --days 30", True),
        ("python3 -u scripts/report.py", True),
        ("node .github/scripts/welcome.js", True),
        ("bash -e ./scripts/close.sh && gh issue close 3", True),
        ("sh -c './scripts/a.sh'", True),
        ('N=$(./scripts/count.sh)\ngh issue comment 1 --body "$N"', True),
        ("python3 -c 'import os'", False),
        ("python3 -m pytest", False),
        ("node -e 'require(1)'", False),
        ("python3 ../outside.py", False),
        ("bash /tmp/x.sh", False),
        ("bash", False),
        ("npm ci", False),
        ("make check", False),
        ("git fetch origin pull/1/head && ./scripts/a.sh", False),
        ("N=$(curl -s https://example.com/x)", False),
        ("./scripts/a.sh\ngh pr checkout 3", False),
    ],
)
def test_base_script(script: str, expected: bool) -> None:
    assert base_script(script) is expected


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("const s = require('./.github/scripts/x.js')\nawait s({github, context})", True),
        ('require("./.github/scripts/x.js")({github, context})', True),
        ("const fs = require('fs'); fs.readFileSync('CONTRIBUTING.md')", True),
        ("const p = require('node:path')", True),
        ("const m = require(`${process.env.GITHUB_WORKSPACE}/.github/x.js`)", True),
        ("const { x } = await import('./.github/x.mjs')", True),
        ("require('child_process').execSync('make')", False),
        ("const lodash = require('lodash')", False),
        ("require('../outside.js')", False),
        ("require(name)", False),
        ("await exec.exec('make')", False),
        ("eval(context.payload.comment.body)", False),
    ],
)
def test_base_module_script(script: str, expected: bool) -> None:
    assert base_module_script(script) is expected
