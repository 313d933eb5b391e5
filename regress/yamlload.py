"""YAML loading that keeps a line for every key and item.

Why not ``YAML(typ="safe").load``: it resolves scalars with YAML 1.1 rules in places that matter
here, drops positions, and expands aliases without a bound. We read the event stream of ruamel's
C parser (libyaml, shipped in ``ruamel.yaml.clib``; ``CParser``), which does no resolution, and
build plain Python values from it ourselves:

- YAML 1.2 core-schema scalars: ``on``/``yes`` stay strings, ``010`` is 10, ``0o10`` is 8.
- Floats keep their source text (``3.10`` is not ``3.1`` when it is a version): see ``YFloat``.
- Mappings and sequences are ``YMap``/``YList``, ordinary ``dict``/``list`` subclasses that carry
  the line of each key or item, so a rule's attribute route can be turned into a line.
- ``<<`` merge keys are applied, duplicate keys keep the last value and are recorded,
  ``!reference`` (GitLab) becomes a ``Reference``, other custom tags are constructed as the plain
  value underneath.
- Alias expansion is bounded: a document that expands to far more nodes than it has is refused
  ("billion laughs"), and so is nesting deeper than ``MAX_DEPTH``.
- An explicit ``!!str`` keeps its text (``!!str 10`` is ``"10"``).
- A ``:`` inside a plain scalar in a flow collection (``ports: [ 8000:8000 ]``), which YAML 1.2
  allows and this libyaml refuses, is read by ruamel's Python parser instead (``load_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The C extension's parser (ruamel.yaml.cyaml re-exports it; without the extension that import fails).
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

#: Deeper nesting than this is refused; real configuration files stay far below it and the
#: limit keeps the recursive builder clear of Python's recursion limit.
MAX_DEPTH = 200
#: Aliases may expand a document to at most this many nodes, or ``EXPANSION_PER_LINE`` per source
#: line if that is more; past it the file is an alias bomb. Honest files that reuse anchors stay
#: far below (a GitLab pipeline full of anchors expands a few times over).
MIN_NODE_BUDGET = 200_000
EXPANSION_PER_LINE = 20

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
#: Marks a mapping frame that waits for a key (None is a valid key: ``~: x``).
_NO_KEY: Any = object()

_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF_RE = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN_RE = re.compile(r"\.(nan|NaN|NAN)\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))


class YFloat(float):
    """A float that remembers how it was written (``3.10`` vs ``3.1``)."""

    __slots__ = ("raw",)
    raw: str

    def __new__(cls, raw: str, number: float | None = None) -> YFloat:
        self = super().__new__(cls, float(raw) if number is None else number)
        self.raw = raw
        return self

    def __repr__(self) -> str:
        return self.raw

    def __str__(self) -> str:
        return self.raw

    def __reduce__(self) -> tuple[Any, ...]:
        return (YFloat, (self.raw,))


class YMap(dict[Any, Any]):
    """A mapping with the source line (0-based) of itself and of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int = -1) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}


class YList(list[Any]):
    """A sequence with the source line (0-based) of itself and of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int = -1) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class Reference(YList):
    """GitLab's ``!reference [job, key, ...]``: resolved later by the GitLab model."""

    __slots__ = ()


class LoadError(Exception):
    """The bytes are not a YAML document we can trust; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Loaded:
    """What one file yields: its documents and what was odd about it."""

    documents: list[Any]
    #: 1-based start line of each document.
    document_lines: list[int]
    #: (line, key) of every duplicate key; the last value won.
    duplicates: list[tuple[int, str]] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(f"not valid UTF-16: {exc.reason} at byte {exc.start}") from None
    if b"\x00" in data:
        raise LoadError("binary content (NUL byte), not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not valid UTF-8 at byte {exc.start}") from None


def scalar(value: str, style: str | None) -> Any:
    """Resolve a plain scalar with the YAML 1.2 core schema; quoted scalars are strings."""
    if style:
        return value
    if value in _NULLS:
        return None
    if value in _TRUES:
        return True
    if value in _FALSES:
        return False
    first = value[:1]
    if first.isdigit() or first in "+-.":
        if _INT_RE.match(value):
            return int(value)
        if _FLOAT_RE.match(value):
            return YFloat(value)
        if _OCT_RE.match(value):
            return int(value[2:], 8)
        if _HEX_RE.match(value):
            return int(value[2:], 16)
        if _INF_RE.match(value):
            return YFloat(value, float("-inf") if first == "-" else float("inf"))
        if _NAN_RE.match(value):
            return YFloat(value, float("nan"))
    return value


class _Frame:
    """A collection being built: its value, line, anchor, expanded size and (mappings) the key
    waiting for its value and the ``<<`` sources to merge at the end. A slotted class rather than
    a dataclass: one is made for every mapping and sequence of every file."""

    __slots__ = ("anchor", "is_map", "key", "key_line", "merge_next", "merged", "size", "value")

    def __init__(self, value: YMap | YList, anchor: str | None) -> None:
        self.value = value
        self.is_map = isinstance(value, YMap)
        self.anchor = anchor
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_line = -1
        self.merge_next = False
        self.merged: list[YMap] = []


class _Builder:
    """Builds plain values from libyaml's event stream.

    Events rather than libyaml's composed node graph: the composer recurses in C (past ~30,000
    levels it overflows the stack and the process dies), creates a node, a tag object and a
    resolver call per value that are thrown away here, and expands every alias by rebuilding it.
    Here nesting is an explicit stack, an alias reuses the value built for its anchor (values are
    never mutated after loading), and the alias budget charges the anchor's expanded size, so a
    billion-laughs document is refused long before anything walks its expansion.

    The loop below runs once per event of every file a change touches, so scalar resolution,
    the alias budget and adding a value to its parent are written out in it rather than called.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.duplicates: list[tuple[int, str]] = []
        self.anchors: dict[str, tuple[Any, int]] = {}

    def document(self, parser: CParser) -> tuple[Any, int]:
        """The next document's value and 1-based start line (the DocumentStartEvent is consumed)."""
        stack: list[_Frame] = []
        result: Any = None
        start_line = -1
        get_event = parser.get_event
        anchors = self.anchors
        value: Any
        while True:
            event = get_event()
            cls = type(event)
            if start_line < 0:
                start_line = event.start_mark.line
            if cls is ScalarEvent:
                line = event.start_mark.line
                # ``ctag`` rather than the ``tag`` property, which builds a string for every
                # event; almost every scalar has no tag (ruamel.yaml 0.19, pinned).
                ctag = event.ctag
                tag = None if ctag is None else str(ctag)
                if tag is None or tag == "!":
                    value = scalar(event.value, event.style)
                elif tag == _STR:
                    value = event.value
                elif tag.startswith("tag:yaml.org,2002:"):
                    value = scalar(event.value, None)  # !!int, !!bool, …: resolved by their text
                else:
                    value = event.value  # custom tags (!Ref, !Sub, …): the text underneath
                size = 1
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                self.budget -= 1
                if self.budget < 0:
                    raise LoadError("aliases expand to too many nodes (an alias bomb?)", line + 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                line = event.start_mark.line
                if len(stack) >= MAX_DEPTH:
                    raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", line + 1)
                container: YMap | YList
                if cls is MappingStartEvent:
                    container = YMap(line)
                elif event.ctag is not None and str(event.ctag) == "!reference":
                    container = Reference(line)
                else:
                    container = YList(line)
                stack.append(_Frame(container, event.anchor))
                self.budget -= 1
                if self.budget < 0:
                    raise LoadError("aliases expand to too many nodes (an alias bomb?)", line + 1)
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                if frame.merged:
                    _apply_merges(frame)
                value, size = frame.value, frame.size
                if frame.anchor:
                    anchors[frame.anchor] = (value, size)
                line = frame.value.line
            elif cls is AliasEvent:
                line = event.start_mark.line
                found = anchors.get(event.anchor)
                if found is None:
                    raise LoadError(f"invalid YAML: found undefined alias {event.anchor!r}", line + 1)
                value, size = found
                self.budget -= size
                if self.budget < 0:
                    raise LoadError("aliases expand to too many nodes (an alias bomb?)", line + 1)
            elif cls is DocumentEndEvent:
                return result, start_line + 1
            else:
                continue  # comments and stream events carry no value
            if not stack:
                result = value
                continue
            # Add the value to the collection being built.
            parent = stack[-1]
            parent.size += size
            target: Any = parent.value  # a YList, or a YMap when ``parent.is_map``
            if not parent.is_map:
                target.append(value)
                target.item_lines.append(line)
                continue
            key = parent.key
            if key is _NO_KEY:
                # A key. ``<<`` (plain, or tagged !!merge) announces merge sources.
                if cls is ScalarEvent and (tag == _MERGE or (tag is None and event.value == "<<" and not event.style)):
                    parent.merge_next = True
                    parent.key = None
                else:
                    # Complex keys are legal YAML but no configuration format here uses them; a
                    # stable text form keeps them comparable without crashing on unhashable values.
                    parent.key = repr(value) if isinstance(value, (dict, list)) else value
                parent.key_line = line
                continue
            if parent.merge_next:
                _merge_source(parent, value, line)
            else:
                if key in target:
                    self.duplicates.append((parent.key_line + 1, str(key)))
                target[key] = value
                target.key_lines[key] = parent.key_line
            parent.key = _NO_KEY


def _merge_source(frame: _Frame, value: Any, line: int) -> None:
    """The value of a ``<<`` key: a mapping or a list of mappings to merge at the end."""
    if isinstance(value, YMap):
        frame.merged.append(value)
    elif isinstance(value, list) and all(isinstance(v, YMap) for v in value):
        frame.merged.extend(value)
    else:
        raise LoadError("a << merge key needs a mapping or a list of mappings", line + 1)
    frame.merge_next = False


def _apply_merges(frame: _Frame) -> None:
    """Merge keys: explicit keys win, then earlier merge sources win over later ones."""
    target = frame.value
    assert isinstance(target, YMap)
    for source in frame.merged:
        for key, value in source.items():
            if key not in target:
                target[key] = value
                target.key_lines[key] = source.key_lines.get(key, source.line)


def load_text(text: str) -> Loaded:
    """All documents of a YAML stream (an empty document is None)."""
    try:
        return _load(text, CParser(text))
    except LoadError as exc:
        if exc.message != _FLOW_COLON:
            raise
    # libyaml as shipped in ruamel.yaml.clib refuses a ``:`` inside a plain scalar in a flow
    # collection (``ports: [ 8000:8000 ]``), which YAML 1.2 allows (spec 7.3.3, ns-plain-char:
    # a ``:`` followed by a non-space) and Go's yaml.v3 (Compose, Kubernetes) reads as the string
    # "8000:8000". ruamel's Python parser follows the spec there: only such files pay for it.
    return _load(text, _pure_parser(text))


#: libyaml's message for a ``:`` it will not take inside a flow collection.
_FLOW_COLON = "invalid YAML: found unexpected ':'"


def _pure_parser(text: str) -> Any:
    """ruamel's Python parser, which yields the same events as ``CParser``."""
    from ruamel.yaml.loader import SafeLoader  # imported only for the files that need it

    return SafeLoader(text)


def _load(text: str, parser: Any) -> Loaded:
    docs: list[Any] = []
    starts: list[int] = []
    dups: list[tuple[int, str]] = []
    budget = max(MIN_NODE_BUDGET, EXPANSION_PER_LINE * (text.count("\n") + 1))
    try:
        while parser.check_event(DocumentStartEvent, StreamStartEvent, StreamEndEvent):
            event = parser.get_event()
            if type(event) is not DocumentStartEvent:
                continue
            # Anchors are local to a document; the expansion budget is per document too.
            builder = _Builder(budget)
            value, start = builder.document(parser)
            docs.append(value)
            starts.append(start)
            dups.extend(builder.duplicates)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoadError(f"invalid YAML: {problem}", line) from None
    except YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}") from None
    finally:
        parser.dispose()
    return Loaded(docs, starts, dups)


def load_bytes(data: bytes) -> Loaded:
    return load_text(decode(data))


def line_of(container: Any, key: Any) -> int | None:
    """0-based line of ``container[key]`` if the loader recorded it."""
    if isinstance(container, YMap):
        line = container.key_lines.get(key)
        return line if line is not None else (container.line if container.line >= 0 else None)
    if isinstance(container, YList) and isinstance(key, int):
        if 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line if container.line >= 0 else None
    return None
