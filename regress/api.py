"""The library entry points the CLI, the GitHub App and the Action share."""

from __future__ import annotations

import gc
from pathlib import Path

from regress.engine import Options, Report, analyze
from regress.errors import InputError
from regress.source.folder import FolderSnapshot
from regress.source.folder import diff_folders as _diff_folders

# regress.source.git (and with it gitpython, the largest import of a run) is imported only by the
# git entry points: comparing two folders does not pay for it.


def diff_folders(base: Path, head: Path, options: Options | None = None) -> Report:
    for p in (base, head):
        if not p.is_dir():
            raise InputError(f"{p}: not a folder")
    b = FolderSnapshot(base)
    h = FolderSnapshot(head)
    return analyze(b, h, _diff_folders(b, h), options)


def diff_git(
    repo_path: Path, base_rev: str, head_rev: str, three_dot: bool = False, options: Options | None = None
) -> Report:
    """``base_rev..head_rev``, or with ``three_dot`` the merge base of the two against head."""
    from regress.source import git as gitsrc

    repo = gitsrc.open_repo(repo_path)
    try:
        head = gitsrc.resolve(repo, head_rev)
        base = gitsrc.resolve(repo, base_rev)
        if three_dot:
            base = gitsrc.merge_base(repo, base, head)
        listings = gitsrc.Listings()
        b = gitsrc.GitSnapshot(
            repo, base, base_rev if not three_dot else f"merge-base({base_rev}, {head_rev})", listings
        )
        h = gitsrc.GitSnapshot(repo, head, head_rev, listings)
        return analyze(b, h, gitsrc.diff_snapshots(b, h), options)
    finally:
        repo.close()


def diff_worktree(repo_path: Path, base_rev: str = "HEAD", options: Options | None = None) -> Report:
    from regress.source import git as gitsrc

    repo = gitsrc.open_repo(repo_path)
    try:
        if base_rev == "HEAD":
            b = gitsrc.head_snapshot(repo)
        else:
            b = gitsrc.GitSnapshot(repo, gitsrc.resolve(repo, base_rev), base_rev)
        h, changes = gitsrc.worktree_changes(repo, b)
        return analyze(b, h, changes, options)
    finally:
        repo.close()


def tune_gc() -> None:
    """Let this process's cyclic garbage collector run less often: for a process that runs one
    analysis and exits (the command line calls it before its analysis; so do the benchmarks).
    Not for a long-lived service: what is frozen is never collected, even once it is garbage.

    An analysis allocates millions of small containers (YAML values, model objects) that stay
    alive to its end; by default CPython looks for cycles every 700 allocations and its full
    collections re-scan every surviving object. Moving what is loaded so far (modules, rules) out
    of the collector's sight (``gc.freeze``) and collecting the youngest generation every 50,000
    allocations took 10-18 % off large diffs (docs/benchmarks.md). The library never does this by
    itself: the collector's settings belong to the process.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
