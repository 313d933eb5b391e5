"""An in-memory snapshot for tests of file kinds that never touch git (resolution, fuzzing)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from regress.kinds.base import LoadContext, ParseCache
from regress.model import Side
from regress.source.base import EntryType, git_blob_id


class MemorySnapshot:
    def __init__(self, files: Mapping[str, str], label: str = "memory") -> None:
        self.files = {p: t.encode() for p, t in files.items()}
        self.label = label
        self.resolved = label

    def entry_type(self, path: str) -> EntryType | None:
        return EntryType.FILE if path in self.files else None

    def blob_id(self, path: str) -> str | None:
        return git_blob_id(self.files[path]) if path in self.files else None

    def read(self, path: str) -> bytes:
        return self.files[path]

    def size(self, path: str) -> int | None:
        return len(self.files[path]) if path in self.files else None

    def is_dir(self, path: str) -> bool:
        return any(p.startswith(path + "/") for p in self.files)

    def walk(self, prefix: str) -> Iterator[str]:
        for p in sorted(self.files):
            if not prefix or p.startswith(prefix + "/"):
                yield p

    def files_in(self, folder: str) -> list[str]:
        return [p for p in sorted(self.files) if p.rpartition("/")[0] == folder]


def context(files: Mapping[str, str], side: Side = Side.HEAD) -> LoadContext:
    return LoadContext(MemorySnapshot(files), side, ParseCache())
