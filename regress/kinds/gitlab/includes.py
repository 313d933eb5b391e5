"""``include:`` resolved offline, from the snapshot under review.

GitLab merges a configuration as follows (docs "Use CI/CD configuration from other files"; the
`Config::External::Processor` deep-merges every included file into an empty hash in order, then
the including file's own content last): includes are read in order, nested includes first, later
ones win, and the including file wins over everything it includes. Merging is a deep merge of
hashes where any other value (arrays included) is replaced.

What can be read offline is read: ``local:`` files (globs too) and ``project:`` includes of this
same repository (``project: $CI_PROJECT_PATH``), both from the same revision. ``remote:``,
``template:``, ``component:`` and other projects' files cannot be fetched: they are recorded as
unresolved references (with how firmly they are pinned) and reported as notices, and what is local
is still diffed. A variable in a path (other than the project path) cannot be expanded either.

Bounds: at most ``MAX_INCLUDES`` include entries in all (GitLab's own limit is 150 including
nested ones), and a file that includes itself through a cycle is reported, not followed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from regress.kinds.ci.model import RefKind
from regress.kinds.ci.refs import ref_kind
from regress.kinds.gitlab.tree import GList, GMap
from regress.model import Notice, NoticeKind

#: GitLab's limit on includes per pipeline, nested ones included (docs "include", "Maximum
#: number of includes"; the instance default is 150).
MAX_INCLUDES = 150
#: GitLab's nesting limit for includes (docs: "you can have up to 100 nested includes").
MAX_DEPTH = 100
_SELF_PROJECT = re.compile(r"^\$\{?CI_PROJECT_PATH\}?$")
_VAR = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\[\[")


class IncludeKind(enum.StrEnum):
    LOCAL = "local"
    PROJECT = "project"
    REMOTE = "remote"
    TEMPLATE = "template"
    COMPONENT = "component"


@dataclass(frozen=True, slots=True)
class IncludeRef:
    """One ``include:`` entry as written, with how firmly it is pinned."""

    kind: IncludeKind
    #: The local path, project path, URL, template name, or component path without its version.
    name: str
    #: The file(s) of a ``project:`` include.
    files: tuple[str, ...] = ()
    ref: str | None = None
    ref_kind: RefKind = RefKind.NONE
    #: Where the entry is written.
    path: str = ""
    line: int = -1
    #: A ``remote:`` include with ``integrity:`` is checked against its hash.
    integrity: bool = False
    #: The entry has ``rules:`` and may not be included on every pipeline.
    conditional: bool = False
    #: Read from this snapshot (a local file or this same project).
    resolved: bool = False

    @property
    def key(self) -> str:
        """Identity across the two sides: what is included, without the version."""
        files = ",".join(self.files)
        return f"{self.kind.value}:{self.name}" + (f":{files}" if files else "")

    @property
    def label(self) -> str:
        if self.kind is IncludeKind.PROJECT:
            return f"project {self.name} file {', '.join(self.files)}" + (f" @ {self.ref}" if self.ref else "")
        if self.kind is IncludeKind.COMPONENT:
            return f"component {self.name}" + (f"@{self.ref}" if self.ref else "")
        return f"{self.kind.value} {self.name}"


class Reader:
    """How the resolver reads files on one side: a parsed document (or an exception to report),
    and the file paths under a folder for globs."""

    def __init__(
        self,
        read: Callable[[str], Any],
        exists: Callable[[str], bool],
        walk: Callable[[str], Iterable[str]],
    ) -> None:
        self.read = read
        self.exists = exists
        self.walk = walk


@dataclass
class Resolved:
    """The merged top-level mapping of one pipeline and what it took to build it."""

    root: str
    config: GMap
    files: list[str] = field(default_factory=list)
    includes: list[IncludeRef] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    #: (path, message, 1-based line): the configuration is invalid on this side.
    errors: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def unresolved(self) -> list[IncludeRef]:
        return [i for i in self.includes if not i.resolved]


class ReadFailed(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def deep_merge(base: GMap, over: GMap) -> GMap:
    """GitLab's deep merge: hashes merge key by key, anything else is replaced by ``over``."""
    out = base.copy_map()
    for key, value in over.items():
        path, line = over.origin(key)
        old = out.get(key)
        if isinstance(old, GMap) and isinstance(value, GMap):
            merged = deep_merge(old, value)
            out.put(key, merged, path, line)
        else:
            out.put(key, value, path, line)
    return out


class _Walker:
    def __init__(self, reader: Reader, root: str) -> None:
        self.reader = reader
        self.out = Resolved(root, GMap(root))
        self.count = 0
        self.limit_hit = False

    def file(self, path: str, stack: tuple[str, ...]) -> GMap | None:
        try:
            doc = self.reader.read(path)
        except ReadFailed as exc:
            self.out.errors.append((path, exc.message, exc.line))
            return None
        if path not in self.out.files:
            self.out.files.append(path)
        if doc is None:
            return GMap(path)
        if not isinstance(doc, GMap):
            self.out.errors.append((path, "a GitLab CI file must be a mapping", 1))
            return None
        merged = GMap(path, doc.line)
        for entry, line in self.entries(doc, path):
            sub = self.include(entry, line, path, stack)
            if sub is not None:
                merged = deep_merge(merged, sub)
        own = doc.copy_map()
        own.pop("include", None)
        return deep_merge(merged, own)

    def entries(self, doc: GMap, path: str) -> list[tuple[Any, int]]:
        raw = doc.get("include")
        if raw is None:
            return []
        line = doc.origin("include")[1]
        if isinstance(raw, GList):
            return [(v, raw.origin(i)[1]) for i, v in enumerate(raw)]
        if isinstance(raw, (str, GMap)):
            return [(raw, line)]
        self.out.notices.append(
            Notice(NoticeKind.INPUT, "include: must be a string, a mapping or a list", path, line + 1)
        )
        return []

    def include(self, entry: Any, line: int, path: str, stack: tuple[str, ...]) -> GMap | None:
        ref = parse_entry(entry, path, line)
        if ref is None:
            self.out.notices.append(Notice(NoticeKind.INPUT, "include entry not understood", path, line + 1))
            return None
        self.count += 1
        if self.count > MAX_INCLUDES:
            if not self.limit_hit:
                self.limit_hit = True
                self.out.notices.append(
                    Notice(
                        NoticeKind.LIMIT,
                        f"more than {MAX_INCLUDES} includes (GitLab's own limit): the rest are not read",
                        path,
                        ref.line + 1,
                    )
                )
            return None
        targets = self.local_targets(ref, path)
        if targets is None:
            self.out.includes.append(ref)
            return None
        self.out.includes.append(_resolved(ref))
        merged: GMap | None = None
        for target in targets:
            if target in stack or len(stack) >= MAX_DEPTH:
                self.out.notices.append(
                    Notice(NoticeKind.LIMIT, f"include cycle through {target}: not followed again", path, ref.line + 1)
                )
                continue
            sub = self.file(target, (*stack, target))
            if sub is not None:
                merged = sub if merged is None else deep_merge(merged, sub)
        return merged

    def local_targets(self, ref: IncludeRef, path: str) -> list[str] | None:
        """The files of this snapshot an include names, or None when it cannot be read offline."""
        if ref.kind is IncludeKind.LOCAL:
            names = [ref.name]
        elif ref.kind is IncludeKind.PROJECT and _SELF_PROJECT.match(ref.name):
            names = list(ref.files)
        else:
            return None
        out: list[str] = []
        for name in names:
            clean = name.strip().lstrip("/")
            if _VAR.search(clean):
                self.out.notices.append(
                    Notice(
                        NoticeKind.UNRESOLVED, f"include path {name!r} uses a variable: not read", path, ref.line + 1
                    )
                )
                continue
            if "*" in clean:
                matches = glob(clean, self.reader.walk)
                if not matches:
                    self.out.notices.append(
                        Notice(NoticeKind.INPUT, f"include {name!r} matches no file", path, ref.line + 1)
                    )
                out.extend(matches)
            elif self.reader.exists(clean):
                out.append(clean)
            elif ref.conditional:
                self.out.notices.append(
                    Notice(
                        NoticeKind.INPUT,
                        f"included file {clean} does not exist (include has rules)",
                        path,
                        ref.line + 1,
                    )
                )
            else:
                self.out.errors.append((path, f"included file {clean} does not exist", ref.line + 1))
        return out


def _resolved(ref: IncludeRef) -> IncludeRef:
    from dataclasses import replace

    return replace(ref, resolved=True)


def resolve(reader: Reader, root: str, known: Callable[[IncludeRef], str | None] | None = None) -> Resolved:
    """The merged configuration of ``root`` with everything it includes. ``known`` says what is
    known about an include that cannot be fetched (a security template known by name)."""
    walker = _Walker(reader, root)
    config = walker.file(root, (root,))
    if config is not None:
        walker.out.config = config
    for ref in walker.out.unresolved:
        what = known(ref) if known is not None else None
        walker.out.notices.append(
            Notice(
                NoticeKind.UNRESOLVED,
                f"include {ref.label} cannot be fetched offline: "
                + (what or "jobs and templates it defines are not analysed"),
                ref.path,
                ref.line + 1 if ref.line >= 0 else None,
            )
        )
    return walker.out


def parse_entry(entry: Any, path: str, line: int) -> IncludeRef | None:
    if isinstance(entry, str):
        text = entry.strip()
        if text.startswith(("http://", "https://")):
            return IncludeRef(IncludeKind.REMOTE, text, ref_kind=RefKind.BRANCH, path=path, line=line)
        return IncludeRef(IncludeKind.LOCAL, text, ref_kind=RefKind.LOCAL, path=path, line=line)
    if not isinstance(entry, GMap):
        return None
    line = entry.line if entry.line >= 0 else line
    conditional = "rules" in entry
    if isinstance(entry.get("local"), str):
        return IncludeRef(
            IncludeKind.LOCAL, entry["local"], ref_kind=RefKind.LOCAL, path=path, line=line, conditional=conditional
        )
    if isinstance(entry.get("project"), str):
        files = entry.get("file")
        names = (files,) if isinstance(files, str) else tuple(str(f) for f in files) if isinstance(files, list) else ()
        ref = entry.get("ref")
        ref_text = str(ref) if ref is not None else None
        return IncludeRef(
            IncludeKind.PROJECT,
            entry["project"],
            names,
            ref_text,
            ref_kind(ref_text) if ref_text and not _VAR.search(ref_text) else RefKind.BRANCH,
            path,
            line,
            conditional=conditional,
        )
    if isinstance(entry.get("remote"), str):
        return IncludeRef(
            IncludeKind.REMOTE,
            entry["remote"],
            ref_kind=RefKind.SHA if "integrity" in entry else RefKind.BRANCH,
            path=path,
            line=line,
            integrity="integrity" in entry,
            conditional=conditional,
        )
    if isinstance(entry.get("template"), str):
        # Templates ship with the GitLab instance: they move with its version, never with the repo.
        return IncludeRef(
            IncludeKind.TEMPLATE, entry["template"], ref_kind=RefKind.TAG, path=path, line=line, conditional=conditional
        )
    if isinstance(entry.get("component"), str):
        name, sep, version = entry["component"].partition("@")
        kind = component_ref_kind(version) if sep else RefKind.NONE
        return IncludeRef(IncludeKind.COMPONENT, name, (), version or None, kind, path, line, conditional=conditional)
    return None


def component_ref_kind(version: str) -> RefKind:
    """CI/CD component versions (docs "Use a component"): a commit SHA, a released version (also
    partial, ``1`` or ``1.2``, which resolve to the latest matching release), ``~latest``, or a
    branch or tag name."""
    if version == "~latest":
        return RefKind.BRANCH
    return ref_kind(version)


def glob(pattern: str, walk: Callable[[str], Iterable[str]]) -> list[str]:
    """Files matching a GitLab include glob: ``*`` stays within a folder, ``**`` crosses folders."""
    prefix = pattern.split("*", 1)[0].rpartition("/")[0]
    regex = re.compile(_glob_regex(pattern))
    return sorted(p for p in walk(prefix) if regex.fullmatch(p))


def _glob_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)
