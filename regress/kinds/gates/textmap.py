"""Lines in TOML, INI and plain text files, which the loaders here do not track.

A route is a path of keys (``("tool", "coverage", "report", "fail_under")``); the line is found by
scanning for the section header and then the key, which is what a reviewer needs to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from regress.model import Route


@dataclass(frozen=True, slots=True)
class LineMap:
    """Routes → the file and line each was read from, by route prefix; anything else is the
    first line of ``path``. For readers that note lines as they scan (build files, baselines)."""

    places: tuple[tuple[Route, str, int], ...]
    path: str

    def locate(self, route: Route) -> tuple[str, int | None]:
        for where, path, line in self.places:
            if tuple(route[: len(where)]) == where:
                return path, line
        return self.path, 1


class TextSourceMap:
    __slots__ = ("lines", "path", "style")

    def __init__(self, path: str, text: str, style: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        #: "toml" | "ini" | "lines" (one entry per line) | "json"
        self.style = style

    def locate(self, route: Route) -> tuple[str, int | None]:
        if not route:
            return self.path, 1
        if self.style == "lines":
            return self.path, self._entry(str(route[-1]))
        if self.style == "json":
            return self.path, self._json(route)
        return self.path, self._section_key(route)

    def _entry(self, entry: str) -> int | None:
        for i, line in enumerate(self.lines):
            if line.strip() == entry or line.strip().startswith(entry):
                return i + 1
        for i, line in enumerate(self.lines):
            if entry and entry in line:
                return i + 1
        return 1

    def _json(self, route: Route) -> int | None:
        line = 0
        for step in route:
            if not isinstance(step, str):
                continue
            found = _find(self.lines, re.compile(r'"' + re.escape(step) + r'"\s*:'), line)
            if found is None:
                break
            line = found
        return line + 1

    def _section_key(self, route: Route) -> int | None:
        *section, key = [str(r) for r in route]
        start = 0
        if section:
            names = _section_names(section, self.style)
            pattern = re.compile(r"^\s*\[\s*(" + "|".join(re.escape(n) for n in names) + r")\s*\]\s*$")
            found = _find(self.lines, pattern, 0)
            if found is None:
                return 1
            start = found
        key_found = _find(self.lines, re.compile(r"^\s*" + re.escape(key) + r"\s*[=:]"), start, stop_at_section=True)
        return (key_found if key_found is not None else start) + 1


def _section_names(section: list[str], style: str) -> list[str]:
    dotted = ".".join(section)
    if style == "toml":
        return [dotted, ".".join(f'"{s}"' for s in section)]
    return [dotted, ":".join(section), section[-1]]


def _find(lines: list[str], pattern: re.Pattern[str], start: int, stop_at_section: bool = False) -> int | None:
    for i in range(start, len(lines)):
        if i > start and stop_at_section and re.match(r"^\s*\[", lines[i]):
            return None
        if pattern.search(lines[i]):
            return i
    return None


def plain(value: Any) -> Any:
    """TOML/INI values as plain data for bodies (dates and other objects as text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
