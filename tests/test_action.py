"""The ways to adopt regress without the App, and the project's own CI: action.yml (its script run
as GitHub runs it, on a real repository), .pre-commit-hooks.yaml (its entry on a staged change),
.github/workflows/ci.yml, and .ci/self-check, which holds the project to its own rules."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from regress.api import diff_folders
from tests.gitrepo import ENV, commit, git, init
from tests.reportschema import assert_valid_report

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")

DEPLOY = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: shop}}\n"
    "spec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers:\n"
    "        - {{name: web, image: 'registry.example.com/web:1.0'}}\n"
)


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def uses_of(steps: list[dict[str, Any]]) -> list[str]:
    return [s["uses"] for s in steps if "uses" in s and not s["uses"].startswith("./")]


# -- action.yml ----------------------------------------------------------------------------------


def action() -> dict[str, Any]:
    doc: dict[str, Any] = load(ROOT / "action.yml")
    return doc


def test_action_is_composite_with_pinned_actions_and_no_expressions_in_scripts() -> None:
    doc = action()
    assert doc["runs"]["using"] == "composite"
    steps = doc["runs"]["steps"]
    assert uses_of(steps) == [
        "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065",
        "github/codeql-action/upload-sarif@51f77329afa6477de8c49fc9c7046c15b9a4e79d",
    ]
    for step in steps:
        # Inputs reach scripts through the environment only: no template injection.
        assert "${{" not in step.get("run", ""), step["name"]
    assert set(doc["inputs"]) == {
        "base",
        "head",
        "config",
        "upload-sarif",
        "sarif-category",
        "fail-on-violations",
        "python-version",
    }


def _step(name: str) -> dict[str, Any]:
    return next(s for s in action()["runs"]["steps"] if s["name"] == name)


def _run_step(name: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    script = _step(name)["run"]
    full_env = {**ENV, "PATH": f"{BIN}{os.pathsep}{ENV.get('PATH', os.environ['PATH'])}", **env}
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, str, str]:
    repo = init(tmp_path / "repo")
    base = commit(repo, {"deploy/web.yaml": DEPLOY.format(replicas=4)}, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    head = commit(repo, {"deploy/web.yaml": DEPLOY.format(replicas=2)}, "cut replicas")
    return repo, base, head


def test_action_reports_a_weakening_in_every_channel(pull_request: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, base, head = pull_request
    runner = tmp_path / "runner"
    runner.mkdir()
    summary, output = runner / "summary.md", runner / "output"
    proc = _run_step(
        "Run regress",
        {
            "INPUT_BASE": "",
            "INPUT_HEAD": "HEAD",
            "INPUT_CONFIG": "",
            "PR_BASE": base,
            "MERGE_GROUP_BASE": "",
            "PUSH_BEFORE": "",
            "RUNNER_TEMP": str(runner),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
        },
        repo,
    )
    assert proc.returncode == 0, proc.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    assert outputs == {
        "violations": "1",
        "report": str(runner / "regress" / "report.json"),
        "sarif": str(runner / "regress" / "report.sarif"),
    }
    report = json.loads(Path(outputs["report"]).read_text(encoding="utf-8"))
    assert_valid_report(report)
    assert [f["name"] for f in report["findings"]] == ["replicas-reduced"]
    assert report["head"]["resolved"] == head
    # The job summary is the Markdown report, the annotations are workflow commands on stdout.
    assert "replicas-reduced" in summary.read_text(encoding="utf-8")
    assert re.search(r"^::(error|warning) file=deploy/web\.yaml,line=5", proc.stdout, re.M), proc.stdout
    sarif = json.loads(Path(outputs["sarif"]).read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["K8S022"]

    failed = _run_step("Fail on unapproved violations", {"VIOLATIONS": outputs["violations"]}, repo)
    assert failed.returncode == 1
    assert failed.stdout.startswith("::error title=regress::1 unapproved violation(s)")


def test_action_without_a_base_says_so(pull_request: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, _, _ = pull_request
    proc = _run_step(
        "Run regress",
        {"INPUT_BASE": "", "INPUT_HEAD": "HEAD", "INPUT_CONFIG": "", "PR_BASE": "", "RUNNER_TEMP": str(tmp_path)},
        repo,
    )
    assert proc.returncode == 2
    assert proc.stdout.startswith("::error title=regress::no base revision")


def test_action_on_a_clean_change_reports_nothing(pull_request: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, base, _ = pull_request
    git(repo, "checkout", "-q", "-b", "clean", base)
    commit(repo, {"deploy/web.yaml": DEPLOY.format(replicas=6)}, "more replicas")
    output = tmp_path / "output"
    proc = _run_step(
        "Run regress",
        {
            "INPUT_BASE": base,
            "INPUT_HEAD": "HEAD",
            "INPUT_CONFIG": "",
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_OUTPUT": str(output),
        },
        repo,
    )
    assert proc.returncode == 0, proc.stderr
    assert "violations=0" in output.read_text(encoding="utf-8").splitlines()


# -- .pre-commit-hooks.yaml ----------------------------------------------------------------------


def test_pre_commit_hook_judges_the_staged_change(tmp_path: Path) -> None:
    (hook,) = load(ROOT / ".pre-commit-hooks.yaml")
    assert (hook["id"], hook["language"], hook["pass_filenames"], hook["always_run"]) == (
        "regress",
        "python",
        False,
        True,
    )
    repo = init(tmp_path / "repo")
    commit(repo, {"deploy/web.yaml": DEPLOY.format(replicas=4)}, "base")
    (repo / "deploy" / "web.yaml").write_text(DEPLOY.format(replicas=1), encoding="utf-8")
    git(repo, "add", "deploy/web.yaml")
    entry = hook["entry"].split()
    proc = subprocess.run(
        [str(BIN / entry[0]), *entry[1:]], cwd=repo, env=ENV, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 1
    assert "replicas-reduced" in proc.stdout


# -- the project's own workflow and self-check ----------------------------------------------------


def test_ci_workflow_is_least_privilege_and_pinned() -> None:
    wf = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert wf["permissions"] == {"contents": "read"}
    jobs = wf["jobs"]
    assert set(jobs) == {"test", "regress"}
    assert jobs["regress"]["permissions"] == {"contents": "read", "security-events": "write"}
    for name, job in jobs.items():
        assert job["timeout-minutes"] <= 60, name
        for ref in uses_of(job["steps"]):
            assert _PINNED.match(ref), ref
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@")
        assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step
    assert [s["run"] for s in jobs["test"]["steps"] if "run" in s] == ["bash .ci/run"]
    assert any(s.get("uses") == "./" for s in jobs["regress"]["steps"])


def test_ci_run_includes_the_image_chart_and_self_checks() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in (
        "hadolint Dockerfile",
        "python3 scripts/check_chart.py deploy/helm/regress",
        ".ci/self-check",
        "python3 scripts/gen_docs.py --check",
    ):
        assert command in script, command


def test_self_check_is_clean_on_this_repository() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    shallow = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if shallow.stdout.strip() == "true":
        pytest.skip("a shallow clone has no history to judge")
    proc = subprocess.run(
        [str(ROOT / ".ci" / "self-check")],
        cwd=ROOT,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "regress: 0 unapproved violations, 3 approved" in proc.stdout


def test_regress_sees_the_project_workflow_and_action_weakened(tmp_path: Path) -> None:
    """The shipped workflow and action pass regress because they are sound, not because regress
    does not read them: loosening them is reported."""
    base, head = tmp_path / "base", tmp_path / "head"
    for side in (base, head):
        (side / ".github" / "workflows").mkdir(parents=True)
        shutil.copy(ROOT / ".github" / "workflows" / "ci.yml", side / ".github" / "workflows" / "ci.yml")
        shutil.copy(ROOT / "action.yml", side / "action.yml")
    wf = (head / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    wf = wf.replace("permissions:\n  contents: read\n", "permissions: write-all\n", 1)
    wf = wf.replace("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "actions/checkout@v4")
    (head / ".github" / "workflows" / "ci.yml").write_text(wf, encoding="utf-8")
    act = (head / "action.yml").read_text(encoding="utf-8")
    act = act.replace("upload-sarif@51f77329afa6477de8c49fc9c7046c15b9a4e79d # v3.29.5", "upload-sarif@main")
    (head / "action.yml").write_text(act, encoding="utf-8")
    report = diff_folders(base, head)
    assert sorted({(f.name, f.location.path if f.location else None) for f in report.findings}) == [
        ("action-pin-weakened", ".github/workflows/ci.yml"),
        ("action-pin-weakened", "action.yml"),
        ("token-permissions-widened", ".github/workflows/ci.yml"),
    ]
