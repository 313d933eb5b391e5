"""``.regress.yml``: rule selection and severities, per-rule options, paths, classification
patterns, approver policy and limits.

In git mode the file is read from the BASE side, so a change cannot switch off the rule that would
flag it; a change to the file itself is reported (see ``regress.rules.meta``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from regress.errors import InputError
from regress.findings import Category, Severity
from regress.kinds.ci.classify import DEFAULT_PATTERNS, Patterns
from regress.yamlload import LoadError, YMap, load_bytes

CONFIG_PATH = ".regress.yml"
CONFIG_PATHS = (".regress.yml", ".regress.yaml")
APPROVALS_PATH = ".regress/approvals.yml"
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024

_SEVERITIES = [s.value for s in Severity] + ["off"]
_CLASSES = ["test", "security", "lint", "coverage", "deploy", "notify", "report", "hardening", "provenance"]
_PERMISSIONS = ["write", "maintain", "admin"]
_CATEGORIES = [c.value for c in Category]
#: ``org/team-slug``: an organization login (letters, digits, single hyphens) and a team's slug
#: (GitHub derives it from the team name: lowercase letters, digits, hyphens and underscores).
_TEAM = r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9_.-]+$"
#: Who may approve, as ``approvals:`` and each ``approvals.categories.<category>:`` say it.
_POLICY_KEYS: dict[str, Any] = {
    "permission": {"enum": _PERMISSIONS},
    # An empty list means no team requirement (a category can lift the default's).
    "teams": {"type": "array", "items": {"type": "string", "pattern": _TEAM}},
    "count": {"type": "integer", "minimum": 1},
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "version": {"enum": [1]},
        "rules": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "select": {"type": "array", "items": {"type": "string"}},
                "disable": {"type": "array", "items": {"type": "string"}},
                "severity": {"type": "object", "additionalProperties": {"enum": _SEVERITIES}},
                "options": {"type": "object", "additionalProperties": {"type": "object"}},
            },
        },
        "paths": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "include": {"type": "array", "items": {"type": "string"}},
                "exclude": {"type": "array", "items": {"type": "string"}},
                "severity": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["paths", "severity"],
                        "properties": {
                            "paths": {"type": "array", "items": {"type": "string"}},
                            "severity": {"enum": _SEVERITIES},
                        },
                    },
                },
            },
        },
        "classify": {
            "type": "object",
            "propertyNames": {"enum": _CLASSES},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "commands": {"type": "array", "items": {"type": "string"}},
                    "actions": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "approvals": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "file": {"type": "string"},
                **_POLICY_KEYS,
                "allow-author": {"type": "boolean"},
                "require-reason": {"type": "boolean"},
                "approving-reviews": {"type": "boolean"},
                "categories": {
                    "type": "object",
                    "propertyNames": {"enum": _CATEGORIES},
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": _POLICY_KEYS,
                    },
                },
            },
        },
        "limits": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"max-file-bytes": {"type": "integer", "minimum": 1024}},
        },
    },
}


@dataclass(frozen=True)
class SeverityOverride:
    patterns: tuple[str, ...]
    severity: str  # a Severity value or "off"


@dataclass(frozen=True)
class ApproverPolicy:
    """Who may approve the findings of one category in the App, and how many of them must."""

    #: GitHub's collaborator permission the approver needs: write, maintain or admin.
    permission: str = "write"
    #: ``org/team-slug``: when given, the approver must be an active member of one of them.
    teams: tuple[str, ...] = ()
    #: Distinct approvers needed before a finding counts as approved.
    count: int = 1


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    path_severity: tuple[SeverityOverride, ...] = ()
    patterns: Patterns = DEFAULT_PATTERNS
    approvals_file: str = APPROVALS_PATH
    approver_permission: str = "write"
    #: ``approvals.teams`` and ``approvals.count``: the defaults of every category's policy.
    approver_teams: tuple[str, ...] = ()
    approval_count: int = 1
    #: ``approvals.categories``: per category, the keys it sets (the rest come from the defaults).
    category_approvals: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    allow_author: bool = False
    require_reason: bool = True
    #: ``approvals.approving-reviews``: a PR review submitted as Approve, on the head, approves
    #: every finding its reviewer may approve (the App; off unless the base branch turns it on).
    approving_reviews: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    #: Where the config was read from ("" when defaults).
    source: str = ""

    def with_paths(self, include: Sequence[str], exclude: Sequence[str]) -> Config:
        from dataclasses import replace

        return replace(self, include=self.include + tuple(include), exclude=self.exclude + tuple(exclude))

    def approver_policy(self, category: str) -> ApproverPolicy:
        """The policy for findings of ``category``: its own keys over the ``approvals:`` defaults."""
        own = self.category_approvals.get(category, {})
        return ApproverPolicy(
            permission=str(own.get("permission", self.approver_permission)),
            teams=tuple(own.get("teams", self.approver_teams)),
            count=int(own.get("count", self.approval_count)),
        )

    def path_selected(self, path: str) -> bool:
        if self.include and not any(glob_match(path, p) for p in self.include):
            return False
        return not any(glob_match(path, p) for p in self.exclude)

    def severity_for_path(self, path: str) -> str | None:
        out = None
        for rule in self.path_severity:
            if any(glob_match(path, p) for p in rule.patterns):
                out = rule.severity  # later entries win, like the rest of the file
        return out


def parse(data: bytes, source: str) -> Config:
    """Validate and read a config file; InputError with the file, line and problem otherwise."""
    try:
        loaded = load_bytes(data)
    except LoadError as exc:
        where = f"{source}:{exc.line}" if exc.line else source
        raise InputError(f"invalid config {where}: {exc.message}") from None
    doc = loaded.documents[0] if loaded.documents else None
    if doc is None:
        return Config(source=source)
    _validate(doc, source)
    rules = doc.get("rules") or {}
    paths = doc.get("paths") or {}
    approvals = doc.get("approvals") or {}
    limits = doc.get("limits") or {}
    classify = doc.get("classify") or {}
    patterns = DEFAULT_PATTERNS.extended(
        {k: v.get("commands", []) for k, v in classify.items()},
        {a: k for k, v in classify.items() for a in v.get("actions", [])},
    )
    return Config(
        select=tuple(rules.get("select", ())),
        disable=tuple(rules.get("disable", ())),
        severity=dict(rules.get("severity", {})),
        options={k: dict(v) for k, v in (rules.get("options") or {}).items()},
        include=tuple(paths.get("include", ())),
        exclude=tuple(paths.get("exclude", ())),
        path_severity=tuple(SeverityOverride(tuple(e["paths"]), e["severity"]) for e in paths.get("severity", [])),
        patterns=patterns,
        approvals_file=approvals.get("file", APPROVALS_PATH),
        approver_permission=approvals.get("permission", "write"),
        approver_teams=tuple(approvals.get("teams", ())),
        approval_count=int(approvals.get("count", 1)),
        category_approvals={k: dict(v) for k, v in (approvals.get("categories") or {}).items()},
        allow_author=bool(approvals.get("allow-author", False)),
        require_reason=bool(approvals.get("require-reason", True)),
        approving_reviews=bool(approvals.get("approving-reviews", False)),
        max_file_bytes=int(limits.get("max-file-bytes", DEFAULT_MAX_FILE_BYTES)),
        source=source,
    )


def _validate(doc: Any, source: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(_plain(doc)), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    err = errors[0]
    route = list(err.absolute_path)
    line = _line(doc, [*route, *_offending_key(err)])
    where = f"{source}:{line}" if line else source
    at = ".".join(str(r) for r in route) or "(top level)"
    raise InputError(f"invalid config {where}: {at}: {_message(err)}")


def _offending_key(err: Any) -> list[str]:
    """For an unknown key, the key itself: its line is more useful than its parent's."""
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return extra[:1]
    if err.validator == "enum" and "propertyNames" in err.schema_path:
        return [err.instance]
    return []


def _message(err: Any) -> str:
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        return f"unknown key {extra[0]!r} (allowed: {allowed})" if extra else err.message
    if err.validator == "enum" and "propertyNames" in err.schema_path:
        # A key outside a closed set (jsonschema reports the key's enum error under the mapping).
        what = "category" if list(err.absolute_path)[-1:] == ["categories"] else "class"
        return f"unknown {what} {err.instance!r} (allowed: {', '.join(map(str, err.validator_value))})"
    if err.validator == "enum":
        return f"{err.instance!r} is not one of {', '.join(map(str, err.validator_value))}"
    if err.validator == "pattern" and err.validator_value == _TEAM:
        return f"{err.instance!r} is not a team: write it as org/team-slug"
    return str(err.message)


def _line(doc: Any, route: list[Any]) -> int | None:
    node, line = doc, (doc.line if isinstance(doc, YMap) else -1)
    for step in route:
        if isinstance(node, dict) and step in node:
            line = node.key_lines.get(step, line) if isinstance(node, YMap) else line
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            items = getattr(node, "item_lines", [])
            line = items[step] if step < len(items) else line
            node = node[step]
    return line + 1 if line is not None and line >= 0 else None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@lru_cache(maxsize=512)
def _glob_re(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(path: str, pattern: str) -> bool:
    """Gitignore-like globs: ``**`` spans folders, ``*`` does not; a pattern without ``/`` matches
    the file name anywhere; a pattern ending in ``/`` matches everything below that folder."""
    pattern = pattern.strip()
    if pattern.endswith("/"):
        pattern += "**"
    pattern = pattern.removeprefix("/")
    if "/" not in pattern:
        return bool(_glob_re(pattern).match(path.rsplit("/", 1)[-1]))
    return bool(_glob_re(pattern).match(path))
