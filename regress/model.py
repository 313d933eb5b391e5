"""The shapes every part of regress shares: model objects, routes, locations, changes, notices.

A *model object* is one thing a reviewer reasons about (a Deployment, a CI job, a Terraform
resource) with an identity key that survives moves between files. Its ``body`` is the source data
(YAML values with lines) and ``facts`` an optional typed view the family builds once. Rules never
see line numbers: they name *routes* (paths of keys and indexes inside ``body``) and the object's
source map turns a route into a file and line.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from regress.yamlload import YList, YMap

Route = tuple[Any, ...]


class Side(enum.StrEnum):
    BASE = "base"
    HEAD = "head"


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int | None  # 1-based; None when only the file is known
    side: Side = Side.HEAD

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "side": str(self.side)}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class SourceMap(Protocol):
    """Turns a route inside an object's body into a file and line."""

    def locate(self, route: Route) -> tuple[str, int | None]: ...


@dataclass(frozen=True, slots=True)
class YamlSourceMap:
    """Routes into YAML values loaded by :mod:`regress.yamlload`.

    A route that does not exist (fully) resolves to its deepest existing ancestor: this is how a
    removal is anchored at the nearest surviving parent.
    """

    path: str
    root: Any
    #: 1-based line used when the root itself carries no position (e.g. a JSON file's top value).
    fallback_line: int | None = None

    def locate(self, route: Route) -> tuple[str, int | None]:
        node = self.root
        line = _own_line(node)
        for step in route:
            # A negative line is unknown (a value merged in from another file): keep the parent's.
            if isinstance(node, YMap) and step in node:
                known = node.key_lines.get(step, -1)
                line = known if known >= 0 else line
                node = node[step]
            elif isinstance(node, YList) and isinstance(step, int) and 0 <= step < len(node):
                if step < len(node.item_lines) and node.item_lines[step] >= 0:
                    line = node.item_lines[step]
                node = node[step]
            else:
                break
        if line is None or line < 0:
            return self.path, self.fallback_line
        return self.path, line + 1


def _own_line(node: Any) -> int | None:
    if isinstance(node, (YMap, YList)) and node.line >= 0:
        return node.line
    return None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an object came from: its file kind (``kubernetes``, ``helm``, ``github-actions``…),
    the unit it was loaded with, and how to find lines in it."""

    kind: str
    path: str
    smap: SourceMap
    #: The render root or unit this object belongs to (an overlay, a chart with a values file).
    unit: str = ""

    def locate(self, route: Route, side: Side) -> Location:
        path, line = self.smap.locate(route)
        return Location(path, line, side)


@dataclass(eq=False, slots=True)
class ModelObject:
    """One keyed object of a family's model, on one side of the change."""

    family: str
    type: str
    key: tuple[str, ...]
    body: Any
    origin: Origin
    #: Human-readable name used in messages, e.g. ``Deployment prod/web``.
    label: str
    #: Typed view built by the family (a pod spec, a CI job); None when the body is enough.
    facts: Any = None
    #: Leaves excluded from rename similarity (the object's own name, generated ids).
    name_hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        """``family:part/part…``; empty parts (no namespace, no render root) are left out."""
        return f"{self.family}:" + "/".join(k for k in self.key if k)

    def locate(self, route: Route, side: Side) -> Location:
        return self.origin.locate(route, side)


class Status(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    #: Same identity, new file, same content.
    MOVED = "moved"
    #: Different identity, paired by similarity; content may differ.
    RENAMED = "renamed"


@dataclass(frozen=True, slots=True)
class AttrChange:
    """One leaf-level difference inside a modified object (keyed lists matched by key)."""

    route: Route
    before: Any
    after: Any
    #: "added" | "removed" | "changed"
    op: str


@dataclass(frozen=True, slots=True)
class Change:
    status: Status
    before: ModelObject | None
    after: ModelObject | None
    attrs: tuple[AttrChange, ...] = ()
    similarity: float | None = None

    @property
    def obj(self) -> ModelObject:
        obj = self.after or self.before
        assert obj is not None
        return obj

    @property
    def family(self) -> str:
        return self.obj.family

    @property
    def type(self) -> str:
        return self.obj.type


class NoticeKind(enum.StrEnum):
    """Closed set of reasons something was not (fully) analysed."""

    UNRESOLVED = "unresolved"  # a remote include, registry module, missing dependency
    SKIPPED = "skipped"  # symlink, submodule, binary, excluded by config
    DEGRADED = "degraded"  # analysed with less fidelity (no renderer, fallback parser)
    INPUT = "input"  # odd input that was tolerated (duplicate keys)
    LIMIT = "limit"  # a bound was hit (include count, render size)


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    message: str
    path: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "message": self.message, "path": self.path, "line": self.line}


def iter_leaves(value: Any, route: Route = ()) -> Iterator[tuple[Route, Any]]:
    """Every scalar leaf with its route (empty containers count as leaves)."""
    if isinstance(value, dict):
        if not value:
            yield route, {}
        for k, v in value.items():
            yield from iter_leaves(v, (*route, k))
    elif isinstance(value, list):
        if not value:
            yield route, []
        for i, v in enumerate(value):
            yield from iter_leaves(v, (*route, i))
    else:
        yield route, value


def get_path(value: Any, route: Route, default: Any = None) -> Any:
    """``value[r0][r1]…`` or ``default`` when any step is missing or of the wrong type."""
    for step in route:
        if isinstance(value, dict):
            if step not in value:
                return default
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and -len(value) <= step < len(value):
            value = value[step]
        else:
            return default
    return value


def route_text(route: Route) -> str:
    """``spec.template.spec.containers[app].image``: a readable, index-free attribute path."""
    out: list[str] = []
    for step in route:
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif isinstance(step, str) and step.startswith("[") and step.endswith("]"):
            out.append(step)
        else:
            out.append(("." if out else "") + str(step))
    return "".join(out)
