"""Real, temporary git repositories for tests: files in, commits out (through the git CLI)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "regress tests",
    "GIT_AUTHOR_EMAIL": "tests@regress.invalid",
    "GIT_COMMITTER_NAME": "regress tests",
    "GIT_COMMITTER_EMAIL": "tests@regress.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def init(path: Path, bare: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main", *(["--bare"] if bare else []))
    return path


def write_tree(root: Path, files: Mapping[str, str | bytes | None]) -> None:
    """Write files under ``root``; a None value deletes the file."""
    for rel, content in files.items():
        target = root / rel
        if content is None:
            if target.exists():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def commit(repo: Path, files: Mapping[str, str | bytes | None], message: str = "change", replace: bool = False) -> str:
    """Commit ``files`` on top of the current tree (or instead of it with ``replace``); returns the sha."""
    if replace:
        for path in git(repo, "ls-files").splitlines():
            (repo / path).unlink()
    write_tree(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def two_commits(
    path: Path, base: Mapping[str, str | bytes | None], head: Mapping[str, str | bytes | None]
) -> tuple[Path, str, str]:
    """A repository whose first commit holds ``base`` and second holds exactly ``head``."""
    repo = init(path)
    b = commit(repo, base, "base")
    h = commit(repo, head, "head", replace=True)
    return repo, b, h
