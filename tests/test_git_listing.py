"""Finding files by name in a git snapshot (``GitSnapshot.named_files``) agrees with walking it."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from regress.kinds.kustomize.graph import NAMES
from regress.source import git as gitsrc
from tests.gitrepo import git, init, write_tree

FILES = {
    "kustomization.yaml": "resources: [app]\n",
    "app/kustomization.yml": "resources: [deploy.yaml]\n",
    "app/deploy.yaml": "kind: Deployment\n",
    "app/Kustomization": "resources: []\n",
    "app/xkustomization.yaml": "not one\n",
    "app/kustomization.yaml.bak": "not one either\n",
    "overlays/prod/kustomization.yaml": "resources: [../../app]\n",
    "overlays/prod/patch.yaml": "kind: Deployment\n",
    "overlays/prod/kustomization.yaml.d/kustomization.yaml": "resources: []\n",
    "docs/readme.md": "text\n",
}


def _snapshot(tmp_path: Path) -> gitsrc.GitSnapshot:
    repo = init(tmp_path / "repo")
    write_tree(repo, FILES)
    # A symlink named like a kustomization is no regular file: neither lists it.
    os.symlink("kustomization.yaml", repo / "overlays" / "Kustomization")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    r = gitsrc.open_repo(repo)
    return gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD"), "HEAD")


def test_named_files_agrees_with_walk(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path)
    for prefix in ("", "app", "overlays", "overlays/prod", "docs"):
        walked = list(snap.walk(prefix))
        found = snap.named_files(prefix, NAMES)
        assert found == ([p for p in walked if posixpath.basename(p) in NAMES], len(walked)), prefix
    assert snap.named_files("", NAMES) == (
        [
            "app/Kustomization",
            "app/kustomization.yml",
            "kustomization.yaml",
            "overlays/prod/kustomization.yaml",
            "overlays/prod/kustomization.yaml.d/kustomization.yaml",
        ],
        10,
    )
    assert snap.named_files("missing", NAMES) == ([], 0)
    assert snap.named_files("docs/readme.md", NAMES) == ([], 0)
