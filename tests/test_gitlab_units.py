"""Which changed files belong to the GitLab pipeline: found from .gitlab-ci.yml alone."""

from __future__ import annotations

from pathlib import Path

from regress.api import diff_git
from regress.kinds.gitlab.handler import GitLabHandler, pipeline_files
from tests.gitrepo import two_commits
from tests.memsnap import MemorySnapshot

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""


def test_pipeline_files_follow_includes_and_child_pipelines_only() -> None:
    snap = MemorySnapshot(
        {
            ".gitlab-ci.yml": "include: [ci/a.yml]\ntests:\n  trigger: {include: ci/child.yml}\n",
            "ci/a.yml": "include: {local: ci/nested/*.yml}\n",
            "ci/nested/b.yml": "b: {script: [make]}\n",
            "ci/child.yml": "include: ci/child-base.yml\n",
            "ci/child-base.yml": "unit: {script: [pytest]}\n",
            "ci/unused.yml": "x: {script: [make]}\n",
            "deploy/app.yaml": DEPLOYMENT % 3,
        }
    )
    assert pipeline_files(snap) == frozenset(
        {".gitlab-ci.yml", "ci/a.yml", "ci/nested/b.yml", "ci/child.yml", "ci/child-base.yml"}
    )
    handler = GitLabHandler()
    assert [u.root for u in handler.units("ci/nested/b.yml", snap)] == [".gitlab-ci.yml"]
    assert handler.units("ci/unused.yml", snap) == []
    assert handler.units("deploy/app.yaml", snap) == []


def test_a_change_to_an_included_file_re_resolves_the_pipeline_and_manifests_stay_manifests(tmp_path: Path) -> None:
    base = {
        ".gitlab-ci.yml": "include: ci/tests.yml\n",
        "ci/tests.yml": "unit:\n  script: [pytest]\n",
        "deploy/app.yaml": DEPLOYMENT % 3,
    }
    head = {
        **base,
        "ci/tests.yml": "unit:\n  script: [pytest]\n  allow_failure: true\n",
        "deploy/app.yaml": DEPLOYMENT % 1,
    }
    repo, b, h = two_commits(tmp_path / "repo", base, head)
    report = diff_git(repo, b, h)
    assert sorted((f.code, f.location.path) for f in report.findings) == [
        ("CI004", "ci/tests.yml"),
        ("K8S022", "deploy/app.yaml"),
    ]
