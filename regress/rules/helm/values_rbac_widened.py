"""A chart's values grant more RBAC permissions.

## What it does
Reads every list of RBAC rules in the values (a list, at any depth, whose entries have `verbs`
and `resources` or `nonResourceURLs`: `rbac.rules`, `rbac.extraRules`, `clusterRole.rules`, …) as
grants, the way `rbac-rules-widened` reads a Role, and reports a grant in the head that no grant
anywhere in the base values covers, when it is sensitive: a `*` verb, resource or API group,
reading `secrets`, `pods/exec`, `pods/attach`, `pods/portforward`, `nodes/proxy`,
`serviceaccounts/token`, or the `escalate`, `bind` and `impersonate` verbs. Rules moved between
lists, reordered or narrowed are silent, and so is `rbac.create: false` (no RBAC objects at all
is less privilege).

## Why is this bad?
Each of these grants lets the chart's service account read credentials, run commands in other
pods or raise its own privileges: a compromise of the workload becomes a compromise of the
namespace or the cluster.

## Example
```yaml
# base values.yaml                      # head values.yaml
rbac:                                   rbac:
  extraRules:                             extraRules:
    - apiGroups: [""]                       - apiGroups: [""]
      resources: [configmaps]                 resources: [configmaps, secrets]
      verbs: [get]                            verbs: [get]
```

## How to resolve
Grant only what the workload uses, or approve the finding with the reason it needs the access.
When the chart renders, the Kubernetes rules report the rendered Roles and this finding steps
back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.rbac import WILDCARD, Grant, covers, grants
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import KINDS, MAX_DEPTH, STATUSES, WATCHES, qualifier, rendered_identities, text, where
from regress.rules.kubernetes.rbac_rules_widened import sensitive


def _is_rule(item: Any) -> bool:
    return isinstance(item, dict) and "verbs" in item and ("resources" in item or "nonResourceURLs" in item)


def rule_lists(values: Any, route: Route = ()) -> list[tuple[Route, list[Any]]]:
    """Every list of RBAC rules in the values, with its route."""
    out: list[tuple[Route, list[Any]]] = []
    if len(route) >= MAX_DEPTH or not isinstance(values, dict):
        return out
    for key, value in values.items():
        sub = (*route, key)
        if isinstance(value, list) and value and all(_is_rule(v) for v in value):
            out.append((sub, value))
        elif isinstance(value, dict):
            out.extend(rule_lists(value, sub))
    return out


def _grants(values: Any) -> list[tuple[Route, Grant]] | None:
    """Every grant with the route of its rule; None when some rule cannot be read."""
    out: list[tuple[Route, Grant]] = []
    for route, rules in rule_lists(values):
        found = grants({"rules": rules})
        if found is None:
            return None
        out.extend(((*route, g.route[1]), g) for g in found)
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    was, now = _grants(change.before.body), _grants(change.after.body)
    if was is None or now is None:
        return
    base = [g for _, g in was]
    new = [(r, g) for r, g in now if sensitive(g) and not any(covers(b, g) for b in base)]
    if not new:
        return
    yields = rendered_identities(change, ctx, ("Role", "ClusterRole"))
    by_target: dict[tuple[Route, bool, str, str], list[Grant]] = {}
    for route, g in new:
        by_target.setdefault((route[:-1], g.url, g.group, g.resource), []).append(g)
    first_route = {key: next(r for r, g in new if (r[:-1], g.url, g.group, g.resource) == key) for key in by_target}
    for key, gs in sorted(by_target.items(), key=lambda kv: (text(kv[0][0]), kv[0][1:])):
        lists, url, group, resource = key
        verbs = sorted({g.verb for g in gs})
        target = group if url else (resource if not group else f"{resource}.{group}")
        wild = WILDCARD in verbs and (url or WILDCARD in (group, resource))
        yield Hit(
            message=f"{where(change)}: {text(lists)} now grants {', '.join(verbs)} on {target}{qualifier(change)}",
            attr=f"{text(lists)}[{'url:' if url else ''}{group}/{resource}]",
            head_route=first_route[key],
            before=None,
            after=[g.text for g in gs],
            severity=Severity.CRITICAL if wild else None,
            yields_to=yields,
        )


RULE = Rule(
    code="HLM010",
    name="values-rbac-widened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
