"""Snapshots of plain folders (``regress diff BASE_DIR HEAD_DIR`` and the working tree)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from regress.source.base import ChangeType, EntryType, PathChange, git_blob_id, join

#: Never descended into: version-control metadata is not part of the tree under review.
SKIP_DIRS = frozenset({".git", ".hg", ".svn"})


class FolderSnapshot:
    def __init__(self, root: Path, label: str | None = None, only: Iterable[str] | None = None) -> None:
        self.root = root
        self.label = label or str(root)
        self.resolved = str(root)
        self._root = str(root)
        self._ids: dict[str, str] = {}
        #: What each path is, looked up once: a snapshot's files are taken not to change while it
        #: is read (as the blob ids above are), and the engine asks about the same paths often.
        self._types: dict[str, EntryType | None] = {}
        #: Facts derived from the whole tree, kept for this snapshot's lifetime (see snapshot_memo).
        self.memo: dict[Any, Any] = {}
        #: When set (working-tree mode), the paths git knows about; others are not part of the tree.
        self._only = frozenset(only) if only is not None else None

    def _full(self, path: str) -> str:
        # Plain strings: building a pathlib.Path for every question cost more than the stat.
        return os.path.join(self._root, path) if path else self._root

    def _visible(self, path: str) -> bool:
        return self._only is None or path in self._only

    def entry_type(self, path: str) -> EntryType | None:
        if path in self._types:
            return self._types[path]
        found = self._entry_type(path)
        self._types[path] = found
        return found

    def _entry_type(self, path: str) -> EntryType | None:
        if not path or not self._visible(path):
            return None
        try:
            st = os.lstat(self._full(path))
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            return EntryType.SYMLINK
        if stat.S_ISREG(st.st_mode):
            return EntryType.FILE
        if stat.S_ISDIR(st.st_mode) and os.path.exists(os.path.join(self._full(path), ".git")):
            return EntryType.SUBMODULE
        return None

    def blob_id(self, path: str) -> str | None:
        if path in self._ids:
            return self._ids[path]
        if self.entry_type(path) is not EntryType.FILE:
            return None
        blob = git_blob_id(self.read(path))
        self._ids[path] = blob
        return blob

    def read(self, path: str) -> bytes:
        if self.entry_type(path) is not EntryType.FILE:
            raise KeyError(path)
        with open(self._full(path), "rb") as f:
            return f.read()

    def size(self, path: str) -> int | None:
        if self.entry_type(path) is not EntryType.FILE:
            return None
        return os.lstat(self._full(path)).st_size

    def is_dir(self, path: str) -> bool:
        full = self._full(path)
        return os.path.isdir(full) and not os.path.islink(full)

    def walk(self, prefix: str) -> Iterator[str]:
        start = self._full(prefix)
        if not os.path.isdir(start):
            return
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel = os.path.relpath(dirpath, self.root)
            rel = "" if rel == "." else rel.replace(os.sep, "/")
            for name in sorted(filenames):
                path = join(rel, name)
                if self._visible(path) and self.entry_type(path) is EntryType.FILE:
                    yield path

    def files_in(self, folder: str) -> list[str]:
        full = self._full(folder)
        if not os.path.isdir(full) or os.path.islink(full):
            return []
        names = sorted(os.listdir(full))
        return [p for p in (join(folder, n) for n in names) if self.entry_type(p) is EntryType.FILE]

    def all_entries(self) -> dict[str, EntryType]:
        out: dict[str, EntryType] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            rel = os.path.relpath(dirpath, self.root)
            rel = "" if rel == "." else rel.replace(os.sep, "/")
            keep = []
            for d in sorted(dirnames):
                if d in SKIP_DIRS:
                    continue
                path = join(rel, d)
                kind = self.entry_type(path)
                if kind is EntryType.SUBMODULE or kind is EntryType.SYMLINK:
                    out[path] = kind
                else:
                    keep.append(d)
            dirnames[:] = keep
            for name in filenames:
                path = join(rel, name)
                kind = self.entry_type(path)
                if kind is not None:
                    out[path] = kind
        return out


def diff_folders(base: FolderSnapshot, head: FolderSnapshot) -> list[PathChange]:
    """Every path whose entry differs between two folders (content compared byte for byte)."""
    a = base.all_entries()
    b = head.all_entries()
    out: list[PathChange] = []
    for path in sorted(a.keys() | b.keys()):
        ta, tb = a.get(path), b.get(path)
        if ta is None:
            out.append(PathChange(path, ChangeType.ADDED, None, tb))
        elif tb is None:
            out.append(PathChange(path, ChangeType.DELETED, ta, None))
        elif ta is not tb:
            out.append(PathChange(path, ChangeType.TYPE_CHANGED, ta, tb))
        elif ta is EntryType.FILE:
            if base.size(path) != head.size(path) or base.read(path) != head.read(path):
                out.append(PathChange(path, ChangeType.MODIFIED, ta, tb))
        elif ta is EntryType.SYMLINK and os.readlink(base.root / path) != os.readlink(head.root / path):
            out.append(PathChange(path, ChangeType.MODIFIED, ta, tb))
    return out
