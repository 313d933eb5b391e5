"""What a rule is: metadata, documentation, options, and a pure check over one change.

A rule module defines one ``RULE = Rule(...)``; its module docstring is the rule's documentation,
with the fixed sections ``What it does``, ``Why is this bad?``, ``Example``, ``How to resolve`` and
``Options`` (checked by a test, shown by ``regress explain``, the docs pages and SARIF help).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from regress.findings import Category, Severity
from regress.model import Change, ModelObject, Route

_T = TypeVar("_T")

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "How to resolve", "Options")


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    default: Any
    description: str


@dataclass(frozen=True, slots=True)
class Hit:
    """One weakening found by a rule, in the rule's own terms (routes, not lines).

    ``attr`` is the attribute path that, with the rule code and the object identity, makes the
    fingerprint: keep it free of list indexes and line numbers. ``head_route``/``base_route`` are
    routes inside the head/base object bodies; a head route that no longer exists resolves to its
    nearest surviving parent. Without a ``base_route`` no base location is related.
    """

    message: str
    attr: str = ""
    head_route: Route | None = None
    base_route: Route | None = None
    before: Any = None
    after: Any = None
    severity: Severity | None = None
    #: Report against this object instead of the change's own (e.g. the workflow that lost a job).
    head_obj: ModelObject | None = None
    base_obj: ModelObject | None = None
    #: More places worth showing (the caller of a changed composite action, …).
    related: tuple[tuple[ModelObject, Route, str], ...] = ()
    #: The identity the fingerprint uses, when it is not the changed object's own.
    identity: str | None = None
    #: The category of this hit when it is not the rule's own: a T/S rule (CATALOGUE.md §0.1)
    #: reports a scanner's weakening under security and a test's under tests.
    category: Category | None = None
    #: Identities of objects whose findings make this one redundant: the engine drops this hit's
    #: finding when a finding of the same category exists for any of them, or when none of them
    #: changed (a values-level heuristic yields to what the rendered objects show).
    yields_to: tuple[str, ...] = ()


class Index:
    """All objects loaded on one side, by identity key and by (family, type)."""

    def __init__(self, objects: Iterable[ModelObject]) -> None:
        self.by_key: dict[tuple[str, tuple[str, ...]], ModelObject] = {}
        self.by_type: dict[tuple[str, str], list[ModelObject]] = {}
        for obj in objects:
            self.by_key[(obj.family, obj.key)] = obj
            self.by_type.setdefault((obj.family, obj.type), []).append(obj)
        self._groups: dict[tuple[str, Callable[[ModelObject], Hashable]], dict[Hashable, list[ModelObject]]] = {}
        self._derived: dict[Callable[[Index], Any], Any] = {}

    def get(self, family: str, key: tuple[str, ...]) -> ModelObject | None:
        return self.by_key.get((family, key))

    def of_type(self, family: str, *types: str) -> list[ModelObject]:
        out: list[ModelObject] = []
        for t in types:
            out.extend(self.by_type.get((family, t), ()))
        return out

    def family(self, family: str) -> list[ModelObject]:
        return [o for (f, _), objs in self.by_type.items() if f == family for o in objs]

    def grouped(self, family: str, by: Callable[[ModelObject], Hashable]) -> dict[Hashable, list[ModelObject]]:
        """The family's objects grouped by ``by(obj)``, computed once per (family, function).

        Rules ask "which objects share this one's folder, unit or render root?" for every changed
        object; scanning the whole side each time made a diff of many objects quadratic. Pass a
        module-level function (its identity is the cache key) and treat the result as read-only.
        """
        cached = self._groups.get((family, by))
        if cached is None:
            cached = {}
            for o in self.family(family):
                cached.setdefault(by(o), []).append(o)
            self._groups[(family, by)] = cached
        return cached

    def derived(self, fn: Callable[[Index], _T]) -> _T:
        """``fn(self)``, computed once per function: a fact about the whole side (which scanners
        still run anywhere in the head) that rules would otherwise recompute for every change.
        Pass a module-level function (its identity is the cache key); treat the result as
        read-only."""
        if fn in self._derived:
            return cast(_T, self._derived[fn])
        value = fn(self)
        self._derived[fn] = value
        return value

    def __iter__(self) -> Any:
        return iter(self.by_key.values())


Nearby = Callable[[str, ModelObject], list[ModelObject]]


@dataclass(frozen=True, slots=True)
class RuleContext:
    base: Index
    head: Index
    options: Mapping[str, Any]
    #: Extra classification patterns and the like from ``.regress.yml`` (see regress.config).
    settings: Any = None
    #: Objects that live beside an object on one side ("base"/"head"): the other files of its
    #: folder, or the rest of its chart or overlay. Loaded on demand, so a rule that needs context
    #: (is there an HPA for this Deployment?) pays for it only when it asks.
    nearby: Nearby | None = None
    #: Whether a folder exists on one side ("base"/"head"): a test that ran in a folder the
    #: change deletes went with the code it tested.
    is_dir: Callable[[str, str], bool] | None = None
    #: Whether a file or folder exists at a path on one side ("base"/"head"): a test file that
    #: is gone from the head tree while the path that replaced it is new there was renamed.
    exists: Callable[[str, str], bool] | None = None

    def option(self, name: str) -> Any:
        return self.options[name]

    def around(self, side: str, obj: ModelObject) -> list[ModelObject]:
        index = self.head if side == "head" else self.base
        found = {id(o): o for o in (self.nearby(side, obj) if self.nearby else [])}
        # Objects of one render root (a chart with its values, an overlay) are one context
        # wherever their templates live; plain manifests share their folder.
        groups = index.grouped(obj.family, _context_of)
        for o in groups.get(_context_of(obj), ()):
            found.setdefault(id(o), o)
        return list(found.values())


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


def _context_of(obj: ModelObject) -> tuple[str, str]:
    """(unit, folder) for plain files, (unit, "") for objects of a render root."""
    return (obj.origin.unit, "") if obj.origin.unit else ("", _folder(obj.origin.path))


Check = Callable[[Change, RuleContext], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    category: Category
    severity: Severity
    #: File kinds the rule applies to (github-actions, kubernetes, helm, …).
    kinds: tuple[str, ...]
    #: (family, object type) pairs whose changes the rule wants; type "*" means every type.
    watches: tuple[tuple[str, str], ...]
    check: Check
    doc: str
    options: tuple[Option, ...] = ()
    #: Change statuses the rule wants; removed objects only reach rules that ask for them.
    statuses: frozenset[str] = frozenset({"added", "removed", "modified", "moved", "renamed"})
    summary: str = field(default="")

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z][A-Z0-9]{1,3}[0-9]{3}", self.code):
            raise ValueError(f"rule code {self.code!r} must look like K8S004")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")

    def default_options(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

    def sections(self) -> dict[str, str]:
        return parse_sections(self.doc)

    @property
    def title(self) -> str:
        """The first line of the docstring: one sentence saying what regressed."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.name


def parse_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into its ``## Section`` parts (the first line is the title)."""
    out: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for raw in doc.strip().splitlines()[1:]:
        m = re.match(r"^## (.+?)\s*$", raw)
        if m:
            if current is not None:
                out[current] = "\n".join(lines).strip()
            current, lines = m.group(1), []
        elif current is not None:
            lines.append(raw)
    if current is not None:
        out[current] = "\n".join(lines).strip()
    return out
