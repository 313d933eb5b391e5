"""Snapshots of git commits, read straight from the object database with gitpython.

No checkout, no index refresh, no writes: trees and blobs are read by id (through one long-lived
``git cat-file --batch`` process that gitpython keeps), so this works on bare repositories,
worktrees and read-only clones. Changed paths come from comparing trees top-down and skipping every
subtree whose id is equal on both sides, so the cost follows the size of the change, not of the
repository.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import git
from git.exc import BadName, GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from regress.errors import InputError
from regress.source.base import ChangeType, EntryType, PathChange, join
from regress.source.folder import FolderSnapshot

_TREE = 0o040000
_LINK = 0o120000
_GITLINK = 0o160000
_EMPTY: dict[str, tuple[bytes, int]] = {}
#: Fewer files than this are read one by one (two process starts cost more than they save).
PREFETCH_MIN = 40


def entry_type(mode: int) -> EntryType | None:
    if mode == _LINK:
        return EntryType.SYMLINK
    if mode == _GITLINK:
        return EntryType.SUBMODULE
    if mode & 0o170000 == 0o100000:
        return EntryType.FILE
    return None


def open_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise InputError(f"not a git repository: {path}") from None


def _pick_named(raw: bytes, names: frozenset[str]) -> tuple[frozenset[str], int]:
    """From ``git ls-tree -r -z`` records (``<mode> <type> <id>\t<path>``), the regular files named
    one of ``names`` and the number of regular files. Only the matches are decoded: a path holds
    no NUL, so a NUL followed by ``100`` starts exactly the records of regular files (modes
    100644, 100755)."""
    total = raw.count(b"\x00100") + raw.startswith(b"100")
    found: set[str] = set()
    if not names:
        return frozenset(), total
    pattern = re.compile(b"[\t/](?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + b")(?=\0|$)")
    for match in pattern.finditer(raw):
        start = raw.rfind(b"\0", 0, match.start()) + 1
        record = raw[start : match.end()]
        path = record.partition(b"\t")[2].decode("utf-8", "replace")
        # The match may have begun at a tab inside a file name ("a<TAB>kustomization.yaml").
        if record.startswith(b"100") and path.rpartition("/")[2] in names:
            found.add(path)
    return frozenset(found), total


class Listings:
    """What the two snapshots of a comparison share. One per comparison, given to both.

    - Files found by name under a folder (``GitSnapshot.named_files``) as one snapshot listed
      them, for the other to derive its own from: the two share every subtree the change did not
      touch, and the ones it touched were read already to find the changed paths.
    - Blob contents read ahead (``prefetch``), by object id: a file the change did not touch is
      the same blob on both sides (the workflows searched for a changed action's callers), and
      is read once.
    """

    def __init__(self) -> None:
        self._found: dict[tuple[str, frozenset[str]], tuple[GitSnapshot, frozenset[str], int]] = {}
        self.blobs: dict[bytes, bytes] = {}

    def get(self, key: tuple[str, frozenset[str]]) -> tuple[GitSnapshot, frozenset[str], int] | None:
        return self._found.get(key)

    def put(self, key: tuple[str, frozenset[str]], owner: GitSnapshot, found: frozenset[str], total: int) -> None:
        self._found.setdefault(key, (owner, found, total))


class GitSnapshot:
    """One commit (or the empty tree, for a repository without commits)."""

    def __init__(self, repo: git.Repo, commit: git.Commit | None, label: str, listings: Listings | None = None) -> None:
        self.repo = repo
        self.commit = commit
        self.label = label
        #: Shared with the other snapshot of the comparison (see ``Listings``).
        self.listings = listings
        self.resolved = commit.hexsha if commit is not None else "(empty tree)"
        self._dirs: dict[str, dict[str, tuple[bytes, int]]] = {}
        #: Blob contents read ahead by ``prefetch``, by binary object id (shared: ``Listings``).
        self._blobs: dict[bytes, bytes] = listings.blobs if listings is not None else {}
        #: File lists of ``walk`` by prefix.
        self._walks: dict[str, list[str] | None] = {}
        #: Facts derived from the whole tree, kept for this snapshot's lifetime (see snapshot_memo).
        self.memo: dict[Any, Any] = {}

    # -- tree access -------------------------------------------------------------------------
    def _dir(self, folder: str) -> dict[str, tuple[bytes, int]]:
        cached = self._dirs.get(folder)
        if cached is not None:
            return cached
        if self.commit is None:
            return _EMPTY
        if folder == "":
            tree_id: bytes = self.commit.tree.binsha
        else:
            parent, _, name = folder.rpartition("/")
            entry = self._dir(parent).get(name)
            if entry is None or entry[1] != _TREE:
                self._dirs[folder] = _EMPTY
                return _EMPTY
            tree_id = entry[0]
        entries = parse_tree(self.repo.odb.stream(tree_id).read())
        self._dirs[folder] = entries
        return entries

    def _entry(self, path: str) -> tuple[bytes, int] | None:
        folder, _, name = path.rpartition("/")
        return self._dir(folder).get(name)

    # -- Snapshot protocol ---------------------------------------------------------------------
    def entry_type(self, path: str) -> EntryType | None:
        entry = self._entry(path)
        return entry_type(entry[1]) if entry else None

    def blob_id(self, path: str) -> str | None:
        entry = self._entry(path)
        if entry is None or entry_type(entry[1]) is not EntryType.FILE:
            return None
        return entry[0].hex()

    def read(self, path: str) -> bytes:
        entry = self._entry(path)
        if entry is None or entry_type(entry[1]) is not EntryType.FILE:
            raise KeyError(path)
        cached = self._blobs.get(entry[0])
        if cached is not None:
            return cached
        data: bytes = self.repo.odb.stream(entry[0]).read()
        return data

    def size(self, path: str) -> int | None:
        entry = self._entry(path)
        if entry is None or entry_type(entry[1]) is not EntryType.FILE:
            return None
        cached = self._blobs.get(entry[0])
        if cached is not None:
            return len(cached)
        size: int = self.repo.odb.info(entry[0]).size
        return size

    def prefetch(self, paths: Iterable[str], max_bytes: int) -> None:
        """Read the blobs of many ``paths`` at once, skipping any larger than ``max_bytes``.

        Each ``read``/``size`` otherwise costs a request/response round trip to gitpython's
        ``git cat-file`` process, which dominated a diff touching thousands of files. Here one
        ``cat-file --batch-check`` run gives the sizes and one ``cat-file --batch`` run streams
        the wanted blobs; both read the object database only. Below ``PREFETCH_MIN`` files the two
        process starts cost more than they save, and nothing is done.
        """
        shas: dict[bytes, None] = {}
        for path in paths:
            entry = self._entry(path)
            if entry is not None and entry_type(entry[1]) is EntryType.FILE and entry[0] not in self._blobs:
                shas[entry[0]] = None
        if len(shas) < PREFETCH_MIN:
            return
        try:
            sizes = _cat_file(self.repo, "--batch-check", list(shas))
            wanted = [sha for sha in shas if sha in sizes and sizes[sha][1] <= max_bytes]
            self._blobs.update((sha, data) for sha, (data, _) in _cat_file(self.repo, "--batch", wanted).items())
        except (OSError, subprocess.SubprocessError, ValueError):
            return  # reads fall back to one object at a time

    def is_dir(self, path: str) -> bool:
        if path == "":
            return self.commit is not None
        entry = self._entry(path)
        return entry is not None and entry[1] == _TREE

    def walk(self, prefix: str) -> Iterator[str]:
        if not self.is_dir(prefix):
            return
        listed = self._walks.get(prefix)
        if listed is None:
            listed = self._ls_tree(prefix)
            self._walks[prefix] = listed
        if listed is not None:
            yield from listed
            return
        yield from self._walk_trees(prefix)

    def named_files(self, prefix: str, names: Collection[str]) -> tuple[list[str], int] | None:
        """Regular files under ``prefix`` whose base name is one of ``names``, in ``walk`` order,
        and how many regular files lie under ``prefix`` in all. None if git cannot list them.

        Finding a few files by name (kustomizations) in a large tree. One side of a comparison
        lists the folder with one ``git ls-tree -r`` and picks the names out of its raw output
        without decoding the rest; the other side derives its answer from that one (``Listings``),
        reading only the subtrees that differ, so the folder is listed once per comparison and
        the second side costs what the change costs.
        """
        if not self.is_dir(prefix):
            return [], 0
        wanted = frozenset(names)
        key = (prefix, wanted)
        known = self.listings.get(key) if self.listings is not None else None
        if known is not None and known[0] is self:
            found, total = known[1], known[2]
        elif known is not None:
            found, total = self._derive(prefix, wanted, known[0], known[1], known[2])
        else:
            raw = self._ls_tree_raw(prefix)
            if raw is None:
                return None
            found, total = _pick_named(raw, wanted)
            if self.listings is not None:
                self.listings.put(key, self, found, total)
        return sorted(found, key=lambda path: path.split("/")), total

    def _derive(
        self, prefix: str, names: frozenset[str], other: GitSnapshot, found: frozenset[str], total: int
    ) -> tuple[frozenset[str], int]:
        """``other``'s answer under ``prefix`` turned into this snapshot's: subtrees with equal ids
        are skipped, differing ones compared entry by entry."""
        out = set(found)

        def files(snapshot: GitSnapshot, path: str, entry: tuple[bytes, int]) -> Iterator[str]:
            if entry[1] == _TREE:
                yield from snapshot._walk_trees(path)
            elif entry_type(entry[1]) is EntryType.FILE:
                yield path

        def walk(folder: str) -> None:
            nonlocal total
            theirs, ours = other._dir(folder), self._dir(folder)
            for name in theirs.keys() | ours.keys():
                was, now = theirs.get(name), ours.get(name)
                if was == now:
                    continue
                path = join(folder, name)
                if was is not None and now is not None and was[1] == _TREE and now[1] == _TREE:
                    walk(path)
                    continue
                if was is not None:
                    for gone in files(other, path, was):
                        total -= 1
                        out.discard(gone)
                if now is not None:
                    for new in files(self, path, now):
                        total += 1
                        if new.rpartition("/")[2] in names:
                            out.add(new)

        walk(prefix)
        return frozenset(out), total

    def _ls_tree(self, prefix: str) -> list[str] | None:
        """Every regular file under ``prefix``, listed by one ``git ls-tree -r`` run.

        Walking tree by tree costs a cat-file round trip per folder (a whole-tree walk of a large
        repository, which finding kustomizations needs, took thousands); git lists the same in C.
        Sorted like ``_walk_trees`` (names at each level in string order). None if git fails.
        """
        raw = self._ls_tree_raw(prefix)
        if raw is None:
            return None
        out = []
        for record in raw.split(b"\0"):
            meta, _, name = record.partition(b"\t")
            if not name:
                continue
            if entry_type(int(meta.split(b" ", 1)[0], 8)) is EntryType.FILE:
                out.append(name.decode("utf-8", "replace"))
        out.sort(key=lambda path: path.split("/"))
        return out

    def _ls_tree_raw(self, prefix: str) -> bytes | None:
        """The NUL-separated records of ``git ls-tree -r -z`` under ``prefix``; None if git fails."""
        assert self.commit is not None
        pathspec = ["--", prefix] if prefix else []
        try:
            git_dir = self.repo.git_dir
            proc = subprocess.run(
                [
                    "git",
                    "--literal-pathspecs",
                    "--git-dir",
                    git_dir,
                    "ls-tree",
                    "-r",
                    "-z",
                    self.commit.hexsha,
                    *pathspec,
                ],
                capture_output=True,
                check=True,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            )
        except (OSError, subprocess.SubprocessError):
            return None
        stdout: bytes = proc.stdout
        return stdout

    def _walk_trees(self, prefix: str) -> Iterator[str]:
        entries = self._dir(prefix)
        for name in sorted(entries):
            _binsha, mode = entries[name]
            path = join(prefix, name)
            if mode == _TREE:
                yield from self._walk_trees(path)
            elif entry_type(mode) is EntryType.FILE:
                yield path

    def files_in(self, folder: str) -> list[str]:
        entries = self._dir(folder)
        return [join(folder, n) for n in sorted(entries) if entry_type(entries[n][1]) is EntryType.FILE]

    def tree_id(self, folder: str) -> bytes | None:
        if folder == "":
            return self.commit.tree.binsha if self.commit is not None else None
        entry = self._entry(folder)
        return entry[0] if entry and entry[1] == _TREE else None


def _cat_file(repo: git.Repo, mode: str, shas: list[bytes]) -> dict[bytes, tuple[bytes, int]]:
    """``git cat-file --batch`` (data, size) or ``--batch-check`` (b"", size) for many objects."""
    if not shas:
        return {}
    proc = subprocess.run(
        ["git", "--git-dir", repo.git_dir, "cat-file", mode],
        input=b"".join(sha.hex().encode() + b"\n" for sha in shas),
        capture_output=True,
        check=True,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
    )
    out: dict[bytes, tuple[bytes, int]] = {}
    buf = proc.stdout
    pos = 0
    while pos < len(buf):
        eol = buf.index(b"\n", pos)
        header = buf[pos:eol].split()
        pos = eol + 1
        if len(header) != 3:  # "<sha> missing"
            continue
        size = int(header[2])
        if mode == "--batch":
            out[bytes.fromhex(header[0].decode())] = (buf[pos : pos + size], size)
            pos += size + 1  # the data is followed by a newline
        else:
            out[bytes.fromhex(header[0].decode())] = (b"", size)
    return out


def parse_tree(data: bytes) -> dict[str, tuple[bytes, int]]:
    """A raw git tree object as {name: (binary object id, mode)}.

    The format is a sequence of ``<octal mode> <name>\\0<20-byte id>`` entries (git's
    ``tree-walk.c``). gitpython parses the same bytes but validates every name through several
    Python calls, which dominated reading wide folders (a workflows folder with hundreds of files).
    Names that are not UTF-8 are decoded with replacement characters, as gitpython does.
    """
    out: dict[str, tuple[bytes, int]] = {}
    pos, end = 0, len(data)
    while pos < end:
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode = int(data[pos:space], 8)
        name = data[space + 1 : nul].decode("utf-8", "replace")
        out[name] = (data[nul + 1 : nul + 21], mode)
        pos = nul + 21
    return out


def diff_snapshots(base: GitSnapshot, head: GitSnapshot) -> list[PathChange]:
    out: list[PathChange] = []
    _diff_dir(base, head, "", out)
    return out


def _diff_dir(base: GitSnapshot, head: GitSnapshot, folder: str, out: list[PathChange]) -> None:
    a = base._dir(folder)
    b = head._dir(folder)
    for name in sorted(a.keys() | b.keys()):
        ea, eb = a.get(name), b.get(name)
        if ea == eb:
            continue
        path = join(folder, name)
        ta = ea[1] if ea else None
        tb = eb[1] if eb else None
        if ta == _TREE and tb == _TREE:
            _diff_dir(base, head, path, out)
            continue
        if ta == _TREE:
            _list_side(base, path, out, deleted=True)
            ta = None
        if tb == _TREE:
            _list_side(head, path, out, deleted=False)
            tb = None
        kind_a = entry_type(ta) if ta is not None else None
        kind_b = entry_type(tb) if tb is not None else None
        if kind_a is None and kind_b is None:
            continue
        if kind_a is None:
            out.append(PathChange(path, ChangeType.ADDED, None, kind_b))
        elif kind_b is None:
            out.append(PathChange(path, ChangeType.DELETED, kind_a, None))
        elif kind_a is not kind_b:
            out.append(PathChange(path, ChangeType.TYPE_CHANGED, kind_a, kind_b))
        else:
            out.append(PathChange(path, ChangeType.MODIFIED, kind_a, kind_b))


def _list_side(snap: GitSnapshot, folder: str, out: list[PathChange], deleted: bool) -> None:
    for name, (_, mode) in sorted(snap._dir(folder).items()):
        path = join(folder, name)
        if mode == _TREE:
            _list_side(snap, path, out, deleted)
            continue
        kind = entry_type(mode)
        if kind is None:
            continue
        if deleted:
            out.append(PathChange(path, ChangeType.DELETED, kind, None))
        else:
            out.append(PathChange(path, ChangeType.ADDED, None, kind))


# -- revisions --------------------------------------------------------------------------------


def resolve(repo: git.Repo, rev: str) -> git.Commit:
    try:
        obj: Any = repo.rev_parse(rev)
        # Annotated tags point at the commit through one or more tag objects.
        while isinstance(obj, git.TagObject):
            obj = obj.object
        if not isinstance(obj, git.Commit):
            raise InputError(f"{rev!r} does not name a commit (it is a {obj.type})")
        # rev_parse builds commit objects lazily: in a shallow clone a parent it names may be
        # absent from the object database. Read it now, so a missing commit is an input error.
        repo.odb.info(obj.binsha)
        return obj
    except (BadName, ValueError, IndexError, GitCommandError):
        pass
    hint = ""
    if os.path.exists(os.path.join(repo.git_dir, "shallow")):
        hint = " (this is a shallow clone: fetch more history, e.g. git fetch --unshallow)"
    elif not _has_commits(repo):
        hint = " (the repository has no commits yet)"
    raise InputError(f"unknown revision {rev!r}{hint}")


def _has_commits(repo: git.Repo) -> bool:
    try:
        repo.head.commit  # noqa: B018 - raises ValueError when HEAD is unborn
        return True
    except ValueError:
        return False


def merge_base(repo: git.Repo, a: git.Commit, b: git.Commit) -> git.Commit:
    try:
        bases = repo.merge_base(a, b)
    except GitCommandError as exc:
        raise InputError(
            f"cannot compute the merge base of {a.hexsha[:12]} and {b.hexsha[:12]}: {exc.stderr.strip() or exc}"
        ) from None
    if not bases:
        shallow = os.path.exists(os.path.join(repo.git_dir, "shallow"))
        hint = " (shallow clone: fetch more history)" if shallow else ""
        raise InputError(f"{a.hexsha[:12]} and {b.hexsha[:12]} have no common ancestor{hint}")
    base = bases[0]
    assert isinstance(base, git.Commit)
    return base


def head_snapshot(repo: git.Repo) -> GitSnapshot:
    if not _has_commits(repo):
        return GitSnapshot(repo, None, "HEAD")
    return GitSnapshot(repo, repo.head.commit, "HEAD")


def worktree_changes(repo: git.Repo, base: GitSnapshot) -> tuple[FolderSnapshot, list[PathChange]]:
    """The working tree (tracked files plus untracked ones git does not ignore) against ``base``."""
    if repo.bare or repo.working_tree_dir is None:
        raise InputError("this repository has no working tree: name two revisions, e.g. main..HEAD")
    root = Path(repo.working_tree_dir)
    env = {"GIT_OPTIONAL_LOCKS": "0"}  # read-only: git must not refresh the index behind our back
    g = repo.git
    try:
        tracked = g.ls_files("-z", env=env).split("\0")
        untracked = g.ls_files("-z", "--others", "--exclude-standard", env=env).split("\0")
        if base.commit is not None:
            changed = g.diff("--name-only", "--no-renames", "-z", base.commit.hexsha, env=env).split("\0")
        else:
            changed = tracked
    except GitCommandError as exc:
        raise InputError(f"cannot read the working tree: {exc.stderr.strip() or exc}") from None
    visible = {p for p in tracked + untracked if p}
    head = FolderSnapshot(root, label="working tree", only=visible)
    paths = sorted({p for p in changed + untracked if p})
    out: list[PathChange] = []
    for path in paths:
        ta, tb = base.entry_type(path), head.entry_type(path)
        if ta is None and tb is None:
            continue
        if ta is None:
            out.append(PathChange(path, ChangeType.ADDED, None, tb))
        elif tb is None:
            out.append(PathChange(path, ChangeType.DELETED, ta, None))
        elif ta is not tb:
            out.append(PathChange(path, ChangeType.TYPE_CHANGED, ta, tb))
        elif ta is EntryType.FILE and base.blob_id(path) == head.blob_id(path):
            continue  # only the index or mode differed
        else:
            out.append(PathChange(path, ChangeType.MODIFIED, ta, tb))
    return head, out
