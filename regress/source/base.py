"""A snapshot is one side of a change: a git commit, a working tree, or a folder.

Everything above this layer reads files through a snapshot, so the engine never checks out,
writes to, or runs anything from the repository under review.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol


class EntryType(enum.StrEnum):
    FILE = "file"
    SYMLINK = "symlink"
    SUBMODULE = "submodule"


class ChangeType(enum.StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    TYPE_CHANGED = "type-changed"


@dataclass(frozen=True, slots=True)
class PathChange:
    path: str
    change: ChangeType
    #: What the entry is on each side (None where it does not exist).
    base_type: EntryType | None
    head_type: EntryType | None


class Snapshot(Protocol):
    """Read-only access to the files of one side."""

    #: What the user named (a revision, a folder) and what it resolved to (a commit id, a path).
    label: str
    resolved: str

    def entry_type(self, path: str) -> EntryType | None:
        """What is at ``path`` (None if nothing or a directory)."""
        ...

    def blob_id(self, path: str) -> str | None:
        """A content id of the file at ``path`` (git's blob id, or one computed the same way)."""
        ...

    def read(self, path: str) -> bytes:
        """The bytes of a regular file; KeyError if there is none."""
        ...

    def size(self, path: str) -> int | None: ...

    def is_dir(self, path: str) -> bool: ...

    def walk(self, prefix: str) -> Iterator[str]:
        """Paths of regular files under the folder ``prefix`` ('' for the whole tree)."""
        ...

    def files_in(self, folder: str) -> list[str]:
        """Paths of the regular files directly inside ``folder``."""
        ...


def snapshot_memo(snapshot: Snapshot) -> dict[Any, Any]:
    """A scratch dict that lives as long as ``snapshot``, for facts derived from the whole tree
    (which kustomizations a folder holds, …) that handlers would otherwise recompute for every
    changed path. Snapshots without a ``memo`` dict get a fresh, throw-away one: no caching."""
    store = getattr(snapshot, "memo", None)
    return store if isinstance(store, dict) else {}


def git_blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob, so folder and git snapshots share a parse cache."""
    h = hashlib.sha1(b"blob %d\0" % len(data))  # noqa: S324 - git's object naming, not security
    h.update(data)
    return h.hexdigest()


def parent_dirs(path: str) -> Iterator[str]:
    """``a/b/c.yaml`` → ``a/b``, ``a``, ``''``."""
    parts = path.split("/")[:-1]
    while parts:
        yield "/".join(parts)
        parts.pop()
    yield ""


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
