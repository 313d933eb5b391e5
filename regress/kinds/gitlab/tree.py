"""YAML values that remember their *file* as well as their line.

A GitLab job is assembled from several files (a template in one include, an override in another,
``default:`` in the main file), so a route inside the effective job must resolve to the file and
line that put each key there. ``GMap``/``GList`` are ``YMap``/``YList`` that also carry the file of
the container and, per key or item, the file it came from when that differs (after a merge or a
``!reference`` splice). ``GRef`` is a ``!reference`` not yet resolved.
"""

from __future__ import annotations

from typing import Any

from regress.model import Route
from regress.yamlload import Reference, YList, YMap


class GMap(YMap):
    __slots__ = ("key_paths", "path")

    def __init__(self, path: str, line: int = -1) -> None:
        super().__init__(line)
        self.path = path
        #: key → file, only for keys that came from another file than ``path``.
        self.key_paths: dict[Any, str] = {}

    def put(self, key: Any, value: Any, path: str, line: int) -> None:
        self[key] = value
        self.key_lines[key] = line
        if path != self.path:
            self.key_paths[key] = path
        else:
            self.key_paths.pop(key, None)

    def origin(self, key: Any) -> tuple[str, int]:
        return self.key_paths.get(key, self.path), self.key_lines.get(key, self.line)

    def copy_map(self) -> GMap:
        out = GMap(self.path, self.line)
        for k, v in self.items():
            path, line = self.origin(k)
            out.put(k, v, path, line)
        return out


class GList(YList):
    __slots__ = ("item_paths", "path")

    def __init__(self, path: str, line: int = -1) -> None:
        super().__init__(line)
        self.path = path
        self.item_paths: list[str] = []

    def push(self, value: Any, path: str, line: int) -> None:
        self.append(value)
        self.item_lines.append(line)
        self.item_paths.append(path)

    def origin(self, index: int) -> tuple[str, int]:
        path = self.item_paths[index] if index < len(self.item_paths) else self.path
        line = self.item_lines[index] if index < len(self.item_lines) else self.line
        return path, line


class GRef(GList):
    """``!reference [job, key, …]`` as written; the resolver replaces it by what it names."""

    __slots__ = ()


def tag(value: Any, path: str) -> Any:
    """A copy of a loaded YAML value whose containers know ``path``."""
    if isinstance(value, YMap):
        out = GMap(path, value.line)
        for k, v in value.items():
            out.put(k, tag(v, path), path, value.key_lines.get(k, value.line))
        return out
    if isinstance(value, YList):
        lst: GList = GRef(path, value.line) if isinstance(value, Reference) else GList(path, value.line)
        for i, v in enumerate(value):
            lst.push(tag(v, path), path, value.item_lines[i] if i < len(value.item_lines) else value.line)
        return lst
    if isinstance(value, dict):
        m = GMap(path)
        for k, v in value.items():
            m.put(k, tag(v, path), path, -1)
        return m
    if isinstance(value, list):
        lst = GList(path)
        for v in value:
            lst.push(tag(v, path), path, -1)
        return lst
    return value


class GitLabSourceMap:
    """Turns a route inside an effective (merged) value into the file and line that set it."""

    __slots__ = ("fallback", "root")

    def __init__(self, root: Any, fallback: tuple[str, int | None]) -> None:
        self.root = root
        self.fallback = fallback

    def locate(self, route: Route) -> tuple[str, int | None]:
        node = self.root
        # The fallback is where the object is named (a job's key); its body may start elsewhere.
        path, line = self.fallback
        if line is None and isinstance(node, (GMap, GList)):
            path = node.path
            line = node.line + 1 if node.line >= 0 else line
        for step in route:
            if (isinstance(node, GMap) and step in node) or (
                isinstance(node, GList) and isinstance(step, int) and 0 <= step < len(node)
            ):
                p, ln = node.origin(step)
                path, line = p, (ln + 1 if ln >= 0 else line)
                node = node[step]
            else:
                break
        return path, line
