"""IAM policy documents as statement sets, whichever way they are written: JSON strings
(heredocs, ``jsonencode(…)``, ``file(…)`` stays unknown) and ``aws_iam_policy_document`` data
sources. Statements are compared as sets of (effect, actions, resources, principals,
conditions), so reordering, reformatting or moving a policy between forms is no change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from regress.kinds.terraform.values import as_str, blocks


@dataclass(frozen=True, slots=True)
class Statement:
    effect: str  # "Allow" | "Deny"
    actions: frozenset[str]
    not_actions: frozenset[str]
    resources: frozenset[str]
    #: "*" or "<type>:<identifier>" (``AWS:arn:aws:iam::1:root``, ``Service:ec2.amazonaws.com``).
    principals: frozenset[str]
    #: (operator, key, values) triples.
    conditions: frozenset[tuple[str, str, tuple[str, ...]]]
    sid: str = ""

    @property
    def allows(self) -> bool:
        return self.effect.lower() == "allow"

    @property
    def signature(self) -> tuple[Any, ...]:
        return (self.effect.lower(), self.actions, self.not_actions, self.resources, self.principals, self.conditions)

    @property
    def public(self) -> bool:
        """Allows anyone (``Principal: "*"``) without a condition narrowing it."""
        return self.allows and "*" in self.principals and not self.conditions


def _strs(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = value if isinstance(value, list) else [value]
    return frozenset(s for s in (as_str(i) for i in items) if s is not None)


def _principals(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({"*"} if value == "*" else {f"AWS:{value}"})
    out: set[str] = set()
    if isinstance(value, dict):
        for ptype, ids in value.items():
            for ident in _strs(ids):
                out.add("*" if ident == "*" and str(ptype) in ("AWS", "*") else f"{ptype}:{ident}")
    return frozenset(out)


def _conditions(value: Any) -> frozenset[tuple[str, str, tuple[str, ...]]]:
    out: set[tuple[str, str, tuple[str, ...]]] = set()
    if isinstance(value, dict):
        for op, inner in value.items():
            if isinstance(inner, dict):
                for key, vals in inner.items():
                    out.add((str(op), str(key).lower(), tuple(sorted(_strs(vals)))))
    return frozenset(out)


def from_json(value: Any) -> list[Statement] | None:
    """Statements of a JSON policy (a string, or an already decoded mapping); None if unknown."""
    doc = value
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except ValueError:
            return None
    if not isinstance(doc, dict):
        return None
    raw = doc.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    out = []
    for st in items:
        if not isinstance(st, dict):
            continue
        out.append(
            Statement(
                effect=as_str(st.get("Effect")) or "Allow",
                actions=_strs(st.get("Action")),
                not_actions=_strs(st.get("NotAction")),
                resources=_strs(st.get("Resource")),
                principals=_principals(st.get("Principal")),
                conditions=_conditions(st.get("Condition")),
                sid=as_str(st.get("Sid")) or "",
            )
        )
    return out


def from_document(body: Any) -> list[Statement]:
    """Statements of an ``aws_iam_policy_document`` data source body."""
    out = []
    for st in blocks(body, "statement"):
        principals: set[str] = set()
        for p in blocks(st, "principals"):
            ptype = as_str(p.get("type")) or ""
            for ident in _strs(p.get("identifiers")):
                principals.add("*" if ident == "*" and ptype in ("AWS", "*") else f"{ptype}:{ident}")
        conditions = set()
        for c in blocks(st, "condition"):
            conditions.add(
                (
                    as_str(c.get("test")) or "",
                    (as_str(c.get("variable")) or "").lower(),
                    tuple(sorted(_strs(c.get("values")))),
                )
            )
        out.append(
            Statement(
                effect=as_str(st.get("effect")) or "Allow",
                actions=_strs(st.get("actions")),
                not_actions=_strs(st.get("not_actions")),
                resources=_strs(st.get("resources")),
                principals=frozenset(principals),
                conditions=frozenset(conditions),
                sid=as_str(st.get("sid")) or "",
            )
        )
    return out


def new_statements(before: Iterable[Statement], after: Iterable[Statement]) -> list[Statement]:
    seen = {s.signature for s in before}
    return [s for s in after if s.signature not in seen]


def wildcard(st: Statement) -> tuple[str, bool] | None:
    """Why an Allow statement is a wildcard grant, and whether it amounts to admin."""
    if not st.allows:
        return None
    if st.not_actions:
        return "NotAction on Allow: " + ", ".join(sorted(st.not_actions)), True
    if "*" in st.actions or "*:*" in st.actions:
        return 'Action "*"', True
    services = sorted(a for a in st.actions if a.endswith(":*"))
    if services:
        return "Action " + ", ".join(services), False
    return None
