"""Finding files by name in a git snapshot (``GitSnapshot.named_files``) agrees with walking it."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from regress.kinds.kustomize.graph import NAMES
from regress.source import git as gitsrc
from tests.gitrepo import git, init, two_commits, write_tree

FILES = {
    "kustomization.yaml": "resources: [app]\n",
    "app/kustomization.yml": "resources: [deploy.yaml]\n",
    "app/deploy.yaml": "kind: Deployment\n",
    "app/Kustomization": "resources: []\n",
    "app/xkustomization.yaml": "not one\n",
    "app/kustomization.yaml.bak": "not one either\n",
    "app/a\tkustomization.yaml": "a tab in the name: not one\n",
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
        11,
    )
    assert snap.named_files("missing", NAMES) == ([], 0)
    assert snap.named_files("docs/readme.md", NAMES) == ([], 0)


HEAD_CHANGES: dict[str, str | None] = {
    "app/deploy.yaml": "kind: Deployment\nmetadata: {name: x}\n",  # modified
    "app/Kustomization": None,  # removed
    "overlays/prod/kustomization.yaml.d/kustomization.yaml": None,  # its folder is gone
    "overlays/staging/kustomization.yaml": "resources: [../../app]\n",  # a new folder
    "overlays/staging/extra/kustomization.yml": "resources: []\n",
    "docs/readme.md": None,
    "docs": None,
}


def test_a_listing_derived_from_the_other_side_equals_a_fresh_one(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    write_tree(repo, FILES)
    os.symlink("kustomization.yaml", repo / "overlays" / "Kustomization")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    write_tree(repo, {k: v for k, v in HEAD_CHANGES.items() if k != "docs"})
    # A file where a folder was, and a symlink named like a kustomization where a file was.
    (repo / "docs").rmdir()
    (repo / "docs").write_text("now a file\n")
    (repo / "app" / "kustomization.yml").unlink()
    os.symlink("deploy.yaml", repo / "app" / "kustomization.yml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two")
    r = gitsrc.open_repo(repo)
    for prefix in ("", "app", "overlays", "overlays/prod", "overlays/staging", "docs"):
        listings = gitsrc.Listings()
        base = gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD~1"), "base", listings)
        head = gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD"), "head", listings)
        gitsrc.diff_snapshots(base, head)
        base_found = base.named_files(prefix, NAMES)
        derived = head.named_files(prefix, NAMES)
        fresh = gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD"), "head").named_files(prefix, NAMES)
        assert derived == fresh, prefix
        # And the other way round: the base side derived from the head's listing.
        listings = gitsrc.Listings()
        head = gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD"), "head", listings)
        base = gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD~1"), "base", listings)
        head.named_files(prefix, NAMES)
        assert base.named_files(prefix, NAMES) == base_found, prefix
    listings = gitsrc.Listings()
    base = gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD~1"), "base", listings)
    head = gitsrc.GitSnapshot(r, gitsrc.resolve(r, "HEAD"), "head", listings)
    base.named_files("", NAMES)
    assert head.named_files("", NAMES) == (
        [
            "kustomization.yaml",
            "overlays/prod/kustomization.yaml",
            "overlays/staging/extra/kustomization.yml",
            "overlays/staging/kustomization.yaml",
        ],
        10,
    )


def test_the_two_sides_of_a_comparison_read_a_shared_blob_once(tmp_path: Path, monkeypatch: Any) -> None:
    """Prefetching on the second side asks git only for the blobs the first has not read."""
    base = {f"wf/{i:03d}.yml": f"on: push # {i}\n" for i in range(2 * gitsrc.PREFETCH_MIN)}
    head = {**base, "wf/000.yml": "on: pull_request\n"}
    path, b, h = two_commits(tmp_path / "repo", base, head)
    repo = gitsrc.open_repo(path)
    asked: list[int] = []
    real = gitsrc._cat_file

    def counting(repo: Any, mode: str, shas: list[bytes]) -> Any:
        if mode == "--batch":
            asked.append(len(shas))
        return real(repo, mode, shas)

    monkeypatch.setattr(gitsrc, "_cat_file", counting)
    listings = gitsrc.Listings()
    sides = [gitsrc.GitSnapshot(repo, gitsrc.resolve(repo, rev), rev, listings) for rev in (b, h)]
    for snap in sides:
        snap.prefetch(sorted(base), 1 << 20)
    assert asked == [len(base)]  # the head's one new blob is below the batch minimum: read alone
    assert [snap.read("wf/000.yml") for snap in sides] == [b"on: push # 0\n", b"on: pull_request\n"]
    assert sides[1].read("wf/001.yml") == b"on: push # 1\n"
