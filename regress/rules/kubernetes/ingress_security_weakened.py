"""An Ingress lost TLS, redirects or access restrictions, or gained raw NGINX snippets.

## What it does
- **TLS removed**: a host that the base served with TLS (`spec.tls[].hosts`, wildcards
  honoured) and that the head still routes has no TLS entry any more (high).
- **Redirect off**: ingress-nginx `ssl-redirect` or `force-ssl-redirect` `"true"` → `"false"`.
- **Access restriction removed**: ingress-nginx `whitelist-source-range`/`allowlist-source-range`,
  `auth-type` or `auth-url` removed.
- **Snippets added**: an ingress-nginx `*-snippet` annotation (`configuration-snippet`,
  `server-snippet`, …) or an NGINX Inc. `nginx.org/*-snippets` annotation that the base did not
  have, on new Ingresses too.

Removing the whole Ingress is silent.

## Why is this bad?
Without TLS the host is served in clear text; without the redirect clients that type `http://`
stay on it. Snippets inject raw NGINX configuration into a controller that holds every
Ingress's certificates and service-account token (CVE-2021-25742), which is why ingress-nginx
disables them by default since 1.9.

## Example
```yaml
# base                                 # head
spec:                                  spec:
  tls:                                   rules:
    - hosts: [shop.example.com]            - host: shop.example.com
      secretName: shop-tls
  rules:
    - host: shop.example.com
```

## How to resolve
Keep TLS and the redirect, express the snippet's behaviour with supported annotations, or approve
the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Change, ModelObject, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

NGINX = "nginx.ingress.kubernetes.io/"
REDIRECTS = ("ssl-redirect", "force-ssl-redirect")
RESTRICTIONS = {
    "whitelist-source-range": "source IP allow-list",
    "allowlist-source-range": "source IP allow-list",
    "auth-type": "authentication",
    "auth-url": "external authentication",
}
ANY_HOST = "*"


def tls_hosts(body: Any) -> set[str]:
    """Hosts covered by TLS; a `tls` entry without `hosts` covers the default host (any)."""
    out: set[str] = set()
    tls = get_path(body, ("spec", "tls"))
    for entry in tls if isinstance(tls, list) else []:
        if not isinstance(entry, dict):
            continue
        hosts = entry.get("hosts")
        if isinstance(hosts, list) and hosts:
            out.update(h for h in hosts if isinstance(h, str))
        else:
            out.add(ANY_HOST)
    return out


def routed_hosts(body: Any) -> set[str]:
    rules = get_path(body, ("spec", "rules"))
    return (
        {r["host"] if isinstance(r.get("host"), str) else ANY_HOST for r in rules if isinstance(r, dict)}
        if isinstance(rules, list)
        else set()
    )


def _covered(host: str, tls: set[str]) -> bool:
    return ANY_HOST in tls or any(host == t or fnmatch.fnmatchcase(host, t) for t in tls)


def _notes(obj: ModelObject | None) -> dict[str, Any]:
    value = get_path(obj.body, ("metadata", "annotations")) if obj is not None else None
    return value if isinstance(value, dict) else {}


def is_snippet(key: str) -> bool:
    return (key.startswith(NGINX) and key.endswith("-snippet")) or (
        key.startswith("nginx.org/") and key.endswith("-snippets")
    )


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    was_notes, now_notes = _notes(change.before), _notes(head)
    for key in sorted(k for k in now_notes if isinstance(k, str) and is_snippet(k) and k not in was_notes):
        yield Hit(
            message=f"{'new ' if change.before is None else ''}{head.label} adds raw NGINX configuration ({key})",
            attr=f"metadata.annotations[{key}]",
            head_route=("metadata", "annotations", key),
            after=now_notes[key],
        )
    if change.before is None:
        return
    yield from _tls(change.before, head)
    for name in REDIRECTS:
        key = NGINX + name
        if str(was_notes.get(key)).lower() == "true" and str(now_notes.get(key)).lower() == "false":
            yield Hit(
                message=f"{head.label}: {name} true → false, plain HTTP is served instead of redirected",
                attr=f"metadata.annotations[{key}]",
                head_route=("metadata", "annotations", key),
                base_route=("metadata", "annotations", key),
                before=was_notes.get(key),
                after=now_notes.get(key),
                severity=Severity.MEDIUM,
            )
    for name, what in RESTRICTIONS.items():
        key = NGINX + name
        if key in was_notes and key not in now_notes:
            yield Hit(
                message=f"{head.label} lost its {what} ({key} removed)",
                attr=f"metadata.annotations[{key}]",
                head_route=("metadata", "annotations"),
                base_route=("metadata", "annotations", key),
                before=was_notes[key],
                severity=Severity.HIGH,
            )


def _tls(base: ModelObject, head: ModelObject) -> Iterator[Hit]:
    was, now = tls_hosts(base.body), tls_hosts(head.body)
    lost = sorted(h for h in routed_hosts(head.body) if _covered(h, was) and not _covered(h, now))
    if lost:
        shown = "any host" if lost == [ANY_HOST] else ", ".join(h for h in lost if h != ANY_HOST)
        yield Hit(
            message=f"{head.label} no longer serves {shown} over TLS",
            attr="spec.tls",
            head_route=("spec", "tls") if now else ("spec",),
            base_route=("spec", "tls"),
            before=sorted(was),
            after=sorted(now),
            severity=Severity.HIGH,
        )


RULE = Rule(
    code="K8S020",
    name="ingress-security-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "Ingress"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
