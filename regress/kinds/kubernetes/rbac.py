"""RBAC rules as sets of grants, and whether one grant covers another.

A Role or ClusterRole's `rules[]` expand to (apiGroup, resource, verb, resourceNames) grants, plus
(nonResourceURL, verb) grants for ClusterRoles. Matching follows the authorizer
(k8s.io/kubernetes `pkg/apis/rbac/v1/evaluation_helpers.go`): `*` matches any group, resource
or verb; `*/sub` matches that subresource of any resource; a rule without resourceNames applies
to every name; a nonResourceURL ending in `*` is a prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regress.model import Route

WILDCARD = "*"


@dataclass(frozen=True, slots=True)
class Grant:
    group: str  # "" for core; for a non-resource URL grant: the URL
    resource: str  # "" for a non-resource URL grant
    verb: str
    names: frozenset[str] | None = None  # None: every object
    url: bool = False
    #: Where the rule that grants it is, in the Role's body.
    route: Route = ()

    @property
    def text(self) -> str:
        if self.url:
            return f"{self.verb} {self.group}"
        res = self.resource if not self.group else f"{self.resource}.{self.group}"
        names = f" (names: {', '.join(sorted(self.names))})" if self.names else ""
        return f"{self.verb} {res}{names}"


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def grants(body: Any) -> list[Grant] | None:
    """All grants of a Role/ClusterRole body; None when its rules cannot be read (unknown)."""
    rules = body.get("rules") if isinstance(body, dict) else None
    if rules is None:
        return []
    if not isinstance(rules, list):
        return None
    out: list[Grant] = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            return None
        groups, resources, verbs = (
            _strings(rule.get("apiGroups")),
            _strings(rule.get("resources")),
            _strings(rule.get("verbs")),
        )
        names, urls = _strings(rule.get("resourceNames")), _strings(rule.get("nonResourceURLs"))
        if groups is None or resources is None or verbs is None or names is None or urls is None:
            return None
        route: Route = ("rules", i)
        name_set = frozenset(names) if names else None
        for verb in verbs:
            for group in groups:
                for resource in resources:
                    out.append(Grant(group, resource, verb, name_set, False, route))
            for url in urls:
                out.append(Grant(url, "", verb, None, True, route))
    return out


def covers(have: Grant, want: Grant) -> bool:
    """Whether ``have`` already allows everything ``want`` allows."""
    if have.url != want.url:
        return False
    if have.verb not in (WILDCARD, want.verb):
        return False
    if have.url:
        return have.group == want.group or (have.group.endswith("*") and want.group.startswith(have.group[:-1]))
    if have.group not in (WILDCARD, want.group):
        return False
    if not _resource_covers(have.resource, want.resource):
        return False
    if have.names is None:
        return True
    return want.names is not None and want.names <= have.names


def _resource_covers(have: str, want: str) -> bool:
    if have in (WILDCARD, want):
        return True
    if have.startswith("*/") and "/" in want:
        return want.split("/", 1)[1] == have[2:]
    return False
