"""The property assignments of an MSBuild file (``*.csproj``, ``Directory.Build.props``…), read
safely with the standard library's expat parser.

Only what evaluation reads at the project's top level is kept: ``<PropertyGroup>``s that are
children of ``<Project>`` (or of a ``<Choose>``'s ``<When>``/``<Otherwise>``), each assignment
with the conditions that guard it. Groups inside ``<Target>``s run only when their target runs,
so they are not evaluation-time settings and are left out. ``<Import>``s are kept as the
projects they name, so a ``Directory.Build.props`` that imports the one above it can be
followed (MSBuild docs, "Customize your build": "Use case: multi-level merging").

A document type declaration or an entity declaration is refused before parsing (no entity
expansion, no external fetches), and a file expat cannot parse is an ``Unreadable`` result:
the caller treats it as unknown, never as settings removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat


@dataclass(frozen=True, slots=True)
class Assignment:
    """``<Name>value</Name>`` in a property group: its conditions (outermost first) and line."""

    name: str
    value: str
    conditions: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class MSBuildFile:
    assignments: tuple[Assignment, ...] = ()
    #: The ``Project`` attribute of each top-level ``<Import>``, in order.
    imports: tuple[str, ...] = ()
    #: The packages ``<PackageReference Include="…">`` adds (lower case), each with the
    #: conditions that guard it (joined with " and "; empty when it is unconditional).
    packages: tuple[tuple[str, str], ...] = ()
    #: Why the file could not be read (empty when it could).
    unreadable: str = ""


_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.I)


class _Refused(Exception):
    pass


def read(text: str) -> MSBuildFile:
    """The property assignments and imports of one MSBuild file."""
    if _DECLARATION.search(text):
        return MSBuildFile(unreadable="the file declares a document type or entities, which are not read")
    parser = expat.ParserCreate()
    stack: list[tuple[str, str]] = []  # (element name, its Condition attribute)
    assignments: list[Assignment] = []
    imports: list[str] = []
    packages: list[tuple[str, str]] = []
    texts: list[str] = []
    started: list[int] = []

    def refuse(*_: object) -> None:
        raise _Refused("entity declarations are not read")

    def start(name: str, attrs: dict[str, str]) -> None:
        names = [n for n, _ in stack]
        if names == ["Project"] and name == "Import" and "Project" in attrs:
            imports.append(attrs["Project"])
        if name == "PackageReference" and "Include" in attrs:
            guard = " and ".join(c for c in (*(c for _, c in stack), attrs.get("Condition", "").strip()) if c)
            packages.extend((p.strip().lower(), guard) for p in attrs["Include"].split(";") if p.strip())
        condition = attrs.get("Condition", "").strip()
        if name == "Otherwise":
            # No attribute, but it applies only when no `When` of its `Choose` does.
            condition = "otherwise"
        stack.append((name, condition))
        texts.clear()
        started.append(parser.CurrentLineNumber)

    def end(name: str) -> None:
        line = started.pop()
        names = [n for n, _ in stack]
        if _is_property(names):
            conditions = tuple(c for _, c in stack if c)
            assignments.append(Assignment(name, "".join(texts).strip(), conditions, line))
        stack.pop()
        texts.clear()

    def chars(data: str) -> None:
        texts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse
    parser.StartDoctypeDeclHandler = refuse
    try:
        parser.Parse(text, True)
    except (expat.ExpatError, _Refused, ValueError) as exc:
        return MSBuildFile(unreadable=f"not well-formed XML ({exc})")
    return MSBuildFile(tuple(assignments), tuple(imports), tuple(packages))


def _is_property(names: list[str]) -> bool:
    """A property element: ``Project/PropertyGroup/X``, possibly inside ``Choose/When|Otherwise``
    pairs (MSBuild docs, "Choose element": a ``Choose`` holds ``When``s and an ``Otherwise``,
    which hold property groups or further ``Choose``s)."""
    if len(names) < 3 or names[0] != "Project" or names[-2] != "PropertyGroup":
        return False
    middle = names[1:-2]
    pairs = zip(middle[::2], middle[1::2], strict=False)
    return len(middle) % 2 == 0 and all(c == "Choose" and w in ("When", "Otherwise") for c, w in pairs)
