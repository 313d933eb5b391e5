"""Findings: what a rule reports, with a fingerprint that survives unrelated edits."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from regress.model import Location


class Category(enum.StrEnum):
    TESTS = "tests"
    SECURITY = "security"
    MONITORING = "monitoring"
    RELIABILITY = "reliability"


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


def fingerprint(code: str, identity: str, attr: str) -> str:
    """hash(code, identity, attribute path): never a line number, so approvals and code-scanning
    alerts survive edits elsewhere in the file."""
    digest = hashlib.sha256(f"{code}\0{identity}\0{attr}".encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True, slots=True)
class Approval:
    """Who approved a finding, why, and through which channel (cli, file, github)."""

    source: str
    reason: str
    by: str | None = None
    expires: str | None = None
    reference: str | None = None  # comment URL, file path:line, …

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "reason": self.reason,
            "source": self.source,
            "expires": self.expires,
            "reference": self.reference,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    category: Category
    severity: Severity
    message: str
    fingerprint: str
    identity: str
    attr: str
    location: Location
    related: tuple[Location, ...] = ()
    before: Any = None
    after: Any = None
    kind: str = ""
    approval: Approval | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def approved(self) -> bool:
        return self.approval is not None

    def approve(self, approval: Approval) -> Finding:
        return replace(self, approval=approval)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.location.path, self.location.line or 0, self.code, self.fingerprint)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": str(self.category),
            "severity": str(self.severity),
            "message": self.message,
            "fingerprint": self.fingerprint,
            "approved": self.approved,
            "approval": self.approval.to_json() if self.approval else None,
            "location": self.location.to_json(),
            "related": [loc.to_json() for loc in self.related],
            "before": jsonable(self.before),
            "after": jsonable(self.after),
            "identity": self.identity,
            "attribute": self.attr,
            "kind": self.kind,
        }


def jsonable(value: Any) -> Any:
    """YAML values (YFloat, YMap…) to plain JSON values, keeping a float's source text."""
    from regress.yamlload import YFloat

    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        if isinstance(value, (set, frozenset)):
            items.sort(key=repr)
        return items
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
