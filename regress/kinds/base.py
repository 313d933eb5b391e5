"""The contract between the engine and a file kind.

A *handler* claims changed paths as *units* (a workflow with its local callees, a manifest file,
a chart, a module folder) and loads a unit on one side into model objects. Loading never raises
for bad input: what cannot be parsed is returned as a ``UnitError`` (a finding on the head side)
and what was skipped as a ``Notice``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

from regress.model import ModelObject, Notice, Side
from regress.source.base import Snapshot
from regress.yamlload import Loaded as YamlLoaded
from regress.yamlload import LoadError, decode, load_text


@dataclass(frozen=True, slots=True, order=True)
class Unit:
    kind: str
    root: str


@dataclass(frozen=True, slots=True)
class UnitError:
    """A file of the unit that cannot be verified."""

    path: str
    message: str
    line: int | None = None


@dataclass
class LoadResult:
    objects: list[ModelObject] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    errors: list[UnitError] = field(default_factory=list)
    #: Files read to build this unit (for stats and for "what did you look at").
    files: list[str] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        self.objects.extend(other.objects)
        self.notices.extend(other.notices)
        self.errors.extend(other.errors)
        self.files.extend(other.files)


class ParseCache:
    """Parsed files keyed by blob id: the same blob is parsed once per run (or per worker)."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, parser: str, blob: str) -> Any:
        key = (parser, blob)
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        return None

    def put(self, parser: str, blob: str, value: Any) -> None:
        self._items[(parser, blob)] = value
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)


class TooLarge(LoadError):
    pass


@dataclass
class LoadContext:
    """What a handler may use while loading a unit on one side."""

    snapshot: Snapshot
    side: Side
    cache: ParseCache
    max_file_bytes: int = 10 * 1024 * 1024
    settings: Any = None
    #: The other side's snapshot, for handlers whose unit spans files that may exist on one side
    #: only (a chart's environment values files, a kustomization's overlays): read-only, and only
    #: to decide what to load, never to load objects from it.
    other: Snapshot | None = None

    def exists(self, path: str) -> bool:
        return self.snapshot.blob_id(path) is not None

    def read(self, path: str) -> bytes:
        size = self.snapshot.size(path)
        if size is not None and size > self.max_file_bytes:
            raise TooLarge(
                f"file is {size / 1048576:.1f} MiB, over the {self.max_file_bytes / 1048576:.0f} MiB "
                "analysis limit (limits.max-file-bytes)"
            )
        return self.snapshot.read(path)

    def text(self, path: str) -> str:
        blob = self.snapshot.blob_id(path)
        if blob is None:
            raise KeyError(path)
        cached = self.cache.get("text", blob)
        if cached is None:
            cached = decode(self.read(path))
            self.cache.put("text", blob, cached)
        assert isinstance(cached, str)
        return cached

    def yaml(self, path: str) -> YamlLoaded:
        """The YAML documents of ``path``; raises LoadError (cached too) for bad input."""
        blob = self.snapshot.blob_id(path)
        if blob is None:
            raise KeyError(path)
        cached = self.cache.get("yaml", blob)
        if cached is None:
            try:
                cached = load_text(self.text(path))
            except LoadError as exc:
                cached = exc
            self.cache.put("yaml", blob, cached)
        if isinstance(cached, LoadError):
            raise cached
        assert isinstance(cached, YamlLoaded)
        return cached


class Handler(Protocol):
    #: The file kind (``kubernetes``, ``github-actions``…) and the model family its objects join.
    kind: str
    family: str

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        """The units a changed path belongs to on this side; [] if the path is not this kind's."""
        ...

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        """The unit's objects on one side (empty if the unit does not exist there)."""
        ...
