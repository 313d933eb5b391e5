"""Where a rendered object's attribute comes from: a template line, or the values key behind it.

Helm keeps no map from output to template, so the map is rebuilt from the template text: the
route's keys are followed down the template's literal YAML lines (deeper indentation under each
parent), and when the line reached (or the ``with``/``toYaml`` line beside it) takes its value
from ``.Values.a.b``, the finding points at ``a.b`` (plus whatever part of the route lies below it)
in the render root's values files. Anything not found points at the template file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from regress.kinds.helm.values import Layer, LayeredSourceMap
from regress.model import Route

_KEY_LINE = r"^(?P<indent>\s*)(?:-\s+)*(?P<quote>['\"]?){key}(?P=quote)\s*:(?:\s|$)"
_VALUES_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)")
_DOC_SPLIT = re.compile(r"^---\s*$", re.M)
#: A template action, ``{{ … }}`` with its whitespace trimming marks.
_ACTION = re.compile(r"\{\{-?(.*?)-?\}\}")
#: Actions that choose what is written rather than write it (Go's text/template).
_CONTROL = frozenset({"if", "else", "with", "range", "end", "define", "block", "template"})
#: Template functions that write a whole YAML block from a value.
_BLOCK_FUNCS = re.compile(r"\b(toYaml|toJson|include|tpl)\b")


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """A template's repository path and text (None when it lives in an archive)."""

    path: str
    text: str | None


@dataclass(frozen=True, slots=True)
class RenderedSourceMap:
    template: TemplateSource
    kind: str
    #: The values layers the template reads (``.Values`` of its own chart), topmost first.
    values: tuple[Layer, ...]
    #: For a subchart template: the key its values live under in the parent's values.
    scope: str = ""
    #: The subchart's own values.yaml, consulted after the parent's scoped values.
    own_values: tuple[Layer, ...] = ()

    def locate(self, route: Route) -> tuple[str, int | None]:
        text = self.template.text
        if text is None:
            return self.template.path, None
        lines = _segment_lines(text, self.kind)
        found, consumed, complete = _follow(lines, route)
        if found is None:
            return self.template.path, None
        ref = _values_ref(lines, found, complete)
        if ref is not None:
            rest = tuple(s for s in route[consumed:] if isinstance(s, (str, int)) and not _bracketed(s))
            located = self._locate_value((*ref, *rest))
            if located is not None:
                return located
        return self.template.path, lines[found][0]

    def _locate_value(self, route: Route) -> tuple[str, int | None] | None:
        candidates: list[tuple[tuple[Layer, ...], Route]] = []
        if self.scope:
            candidates.append((self.values, (self.scope, *route)))
            candidates.append((self.own_values, route))
        else:
            candidates.append((self.values, route))
        for layers, r in candidates:
            if not layers:
                continue
            path, line = LayeredSourceMap(layers).locate(r)
            if path and line is not None and _defines_head(layers, r):
                return path, line
        return None


def _defines_head(layers: Sequence[Layer], route: Route) -> bool:
    """Whether some layer has at least the first key of ``route`` (the ``.Values`` reference
    itself, not only an unrelated ancestor)."""
    return bool(route) and any(isinstance(layer.doc, dict) and route[0] in layer.doc for layer in layers)


def _bracketed(step: object) -> bool:
    return isinstance(step, str) and step.startswith("[") and step.endswith("]")


def _segment_lines(text: str, kind: str) -> list[tuple[int, str]]:
    """The (1-based line, text) pairs of the template document that renders ``kind``."""
    all_lines = text.splitlines()
    segments: list[list[tuple[int, str]]] = [[]]
    for i, line in enumerate(all_lines, start=1):
        if _DOC_SPLIT.match(line):
            segments.append([])
            continue
        segments[-1].append((i, line))
    if len(segments) == 1:
        return segments[0]
    kind_re = re.compile(rf"^\s*kind:\s*['\"]?{re.escape(kind)}['\"]?\s*$")
    for seg in segments:
        if any(kind_re.match(line) for _, line in seg):
            return seg
    return [pair for seg in segments for pair in seg]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_literal(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("{{") and not s.startswith("#")


def _follow(lines: list[tuple[int, str]], route: Route) -> tuple[int | None, int, bool]:
    """Follows the route's keys down the template: (index of the deepest line found, route
    steps consumed, whether every key step was found)."""
    found: int | None = None
    consumed = 0
    parent_indent = -1
    start = 0
    for i, step in enumerate(route):
        if not isinstance(step, str) or _bracketed(step):
            consumed = i + 1
            continue
        pattern = re.compile(_KEY_LINE.format(key=re.escape(step)))
        hit = None
        for j in range(start, len(lines)):
            line = lines[j][1]
            if not _is_literal(line):
                continue
            indent = _indent(line)
            if found is not None and indent <= parent_indent and j > start:
                break  # left the parent's block
            m = pattern.match(line)
            if m and indent > parent_indent:
                hit = j
                break
        if hit is None:
            return found, consumed, False
        found = hit
        consumed = i + 1
        parent_indent = _indent(lines[hit][1])
        start = hit + 1
    return found, consumed, True


def _values_ref(lines: list[tuple[int, str]], at: int, complete: bool) -> tuple[str, ...] | None:
    """The ``.Values`` path that feeds the line at ``at``: on the line itself (when the whole
    route was found), in a ``toYaml``/``include`` on the next line, or in a ``with`` just before."""
    candidates: list[str] = []
    if complete:
        candidates.append(lines[at][1])
    if at + 1 < len(lines):
        nxt = lines[at + 1][1]
        if not _is_literal(nxt) and nxt.strip().startswith("{{") and _BLOCK_FUNCS.search(nxt):
            candidates.append(nxt)
    if at > 0 and re.search(r"\{\{-?\s*with\b", lines[at - 1][1]):
        candidates.append(lines[at - 1][1])
    for text in candidates:
        ref = _output_ref(text)
        if ref is not None:
            return tuple(ref.strip(".").split("."))
    return None


def _output_ref(text: str) -> str | None:
    """The ``.Values`` path a line writes out: the first one in an action that prints (``{{
    .Values.replicaCount }}``, ``{{ toYaml .Values.resources }}``) rather than one that only
    decides (``{{ if eq .Values.mode "single" }}``); else the first on the line."""
    for action in _ACTION.finditer(text):
        body = action.group(1).strip()
        if body.split(" ", 1)[0] in _CONTROL:
            continue
        m = _VALUES_REF.search(body)
        if m:
            return m.group(1)
    m = _VALUES_REF.search(text)
    return m.group(1) if m else None
