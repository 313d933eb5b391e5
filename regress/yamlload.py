"""YAML loading that keeps a line for every key and item.

Why not ``YAML(typ="safe").load``: it resolves scalars with YAML 1.1 rules in places that matter
here, drops positions, and expands aliases without a bound. We let ruamel's C parser (libyaml,
shipped in ``ruamel.yaml.clib``) compose the node graph with *no* implicit resolution
(``CBaseLoader``), then build plain Python values ourselves:

- YAML 1.2 core-schema scalars: ``on``/``yes`` stay strings, ``010`` is 10, ``0o10`` is 8.
- Floats keep their source text (``3.10`` is not ``3.1`` when it is a version): see ``YFloat``.
- Mappings and sequences are ``YMap``/``YList``, ordinary ``dict``/``list`` subclasses that carry
  the line of each key or item, so a rule's attribute route can be turned into a line.
- ``<<`` merge keys are applied, duplicate keys keep the last value and are recorded,
  ``!reference`` (GitLab) becomes a ``Reference``, other custom tags are constructed as the plain
  value underneath.
- Alias expansion is bounded: a document that expands to far more nodes than it has is refused
  ("billion laughs"), and so is nesting deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.cyaml import CBaseLoader
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: Deeper nesting than this is refused; real configuration files stay far below it and the
#: limit keeps the recursive builder clear of Python's recursion limit.
MAX_DEPTH = 200
#: Aliases may expand a document to at most this many nodes, or ``EXPANSION_PER_LINE`` per source
#: line if that is more; past it the file is an alias bomb. Honest files that reuse anchors stay
#: far below (a GitLab pipeline full of anchors expands a few times over).
MIN_NODE_BUDGET = 200_000
EXPANSION_PER_LINE = 20

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"

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


class _Builder:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.duplicates: list[tuple[int, str]] = []

    def build(self, node: Node, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise LoadError("aliases expand to too many nodes (an alias bomb?)", node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            tag = node.tag or _STR
            if tag == _STR:
                # The base resolver tags every untagged scalar as str: resolve plain ones here.
                return scalar(node.value, node.style)
            if tag.startswith("tag:yaml.org,2002:"):
                return scalar(node.value, None)  # !!int, !!bool, …: resolved by their text
            return node.value  # custom tags (!Ref, !Sub, …): the text underneath
        if isinstance(node, SequenceNode):
            out: YList = Reference(node.start_mark.line) if node.tag == "!reference" else YList(node.start_mark.line)
            lines = out.item_lines
            for item in node.value:
                out.append(self.build(item, depth + 1))
                lines.append(item.start_mark.line)
            return out
        if isinstance(node, MappingNode):
            return self._mapping(node, depth)
        raise LoadError(f"unknown YAML node {type(node).__name__}", node.start_mark.line + 1)

    def _mapping(self, node: MappingNode, depth: int) -> YMap:
        out = YMap(node.start_mark.line)
        lines = out.key_lines
        merged: list[YMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE or (
                isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style
            ):
                merged.extend(self._merge_sources(value_node, depth))
                continue
            key = self.build(key_node, depth + 1)
            if isinstance(key, (dict, list)):
                # Complex keys are legal YAML but no configuration format here uses them; a stable
                # text form keeps them comparable without crashing on unhashable values.
                key = repr(key)
            if key in out:
                self.duplicates.append((key_node.start_mark.line + 1, str(key)))
            out[key] = self.build(value_node, depth + 1)
            lines[key] = key_node.start_mark.line
        # Merge keys: explicit keys win, then earlier merge sources win over later ones.
        for source in merged:
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    lines[key] = source.key_lines.get(key, source.line)
        return out

    def _merge_sources(self, node: Node, depth: int) -> list[YMap]:
        value = self.build(node, depth + 1)
        if isinstance(value, YMap):
            return [value]
        if isinstance(value, list) and all(isinstance(v, YMap) for v in value):
            return list(value)
        raise LoadError("a << merge key needs a mapping or a list of mappings", node.start_mark.line + 1)


#: Past roughly 30,000 levels libyaml's recursive composer overflows the C stack and the process
#: dies (measured with ruamel.yaml.clib 0.2.15: 20,000 levels load, 40,000 crash). Text that
#: could nest that deep is first measured with the parser's event stream, which is iterative.
_SUSPECT_INDENT = re.compile(r"^[ \t]{2000}", re.M)
_SUSPECT_COMPACT = re.compile(r"(?:[-?]\s+){1000}")


def _could_nest_deeply(text: str) -> bool:
    return (
        text.count("[") + text.count("{") > 2000
        or _SUSPECT_INDENT.search(text) is not None
        or _SUSPECT_COMPACT.search(text) is not None
    )


def _check_depth(text: str) -> None:
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    loader = CBaseLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def load_text(text: str) -> Loaded:
    """All documents of a YAML stream (an empty document is None)."""
    if _could_nest_deeply(text):
        try:
            _check_depth(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise LoadError(
                f"invalid YAML: {exc.problem or exc.context or 'syntax error'}",
                mark.line + 1 if mark is not None else None,
            ) from None
    loader = CBaseLoader(text)
    docs: list[Any] = []
    starts: list[int] = []
    dups: list[tuple[int, str]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            builder = _Builder(max(MIN_NODE_BUDGET, EXPANSION_PER_LINE * (text.count("\n") + 1)))
            docs.append(builder.build(node))
            starts.append(node.start_mark.line + 1)
            dups.extend(builder.duplicates)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoadError(f"invalid YAML: {problem}", line) from None
    except YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise LoadError(f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
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
