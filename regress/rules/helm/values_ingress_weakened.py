"""A chart's values drop an Ingress's TLS or redirect, or add raw NGINX snippets to it.

## What it does
Reads every values block named `ingress` (at any depth, case-insensitively) that stays enabled
(`enabled` not switched off) and reports

- TLS removed: `tls` was a non-empty list (or `true`, the Bitnami convention) and is now empty,
  `false` or gone;
- in its `annotations`: an ingress-nginx `*-snippet` or NGINX Inc. `nginx.org/*-snippets`
  annotation added; `ssl-redirect`/`force-ssl-redirect` `"true"` → `"false"`; an access
  restriction (`whitelist-source-range`, `allowlist-source-range`, `auth-type`, `auth-url`)
  removed — the same signals as `ingress-security-weakened` on rendered Ingresses.

Switching the whole Ingress off is silent: nothing is exposed any more.

## Why is this bad?
Without TLS the host is served in clear text; without the redirect clients that type `http://`
stay on it. Snippets inject raw NGINX configuration into a controller that holds every
Ingress's certificates (CVE-2021-25742).

## Example
```yaml
# base values.yaml                  # head values.yaml
ingress:                            ingress:
  enabled: true                       enabled: true
  hosts: [shop.example.com]           hosts: [shop.example.com]
  tls:                                tls: []
    - secretName: shop-tls
      hosts: [shop.example.com]
```

## How to resolve
Keep TLS and the redirect, or approve the finding with the reason. When the chart renders, the
Kubernetes rules report the rendered Ingress and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import KINDS, STATUSES, WATCHES, paired, qualifier, rendered_identities, text, truthy, where
from regress.rules.kubernetes.ingress_security_weakened import NGINX, REDIRECTS, RESTRICTIONS, is_snippet

NAMES = frozenset({"ingress"})


def _has_tls(value: Any) -> bool:
    return truthy(value) is True or (isinstance(value, list) and bool(value))


def _notes(block: dict[str, Any]) -> dict[str, Any]:
    notes = block.get("annotations")
    return notes if isinstance(notes, dict) else {}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, ("Ingress",))
    for _, base, head in paired(change, NAMES):
        if base is None or head is None or not isinstance(base[1], dict) or not isinstance(head[1], dict):
            continue
        was, now = base[1], head[1]
        if truthy(now.get("enabled")) is False or truthy(was.get("enabled")) is False:
            continue
        block = text(head[0])
        if _has_tls(was.get("tls")) and not _has_tls(now.get("tls")):
            yield Hit(
                message=f"{where(change)}: {block}.tls removed: the hosts are served without TLS{qualifier(change)}",
                attr=f"{block}.tls",
                head_route=(*head[0], "tls") if "tls" in now else head[0],
                base_route=(*base[0], "tls"),
                before=True,
                after=False,
                severity=Severity.HIGH,
                yields_to=yields,
            )
        yield from _annotations(change, base[0], head[0], _notes(was), _notes(now), yields)


def _annotations(
    change: Change,
    base_route: tuple[Any, ...],
    head_route: tuple[Any, ...],
    was: dict[str, Any],
    now: dict[str, Any],
    yields: tuple[str, ...],
) -> Iterator[Hit]:
    block = text(head_route)
    notes = (*head_route, "annotations")
    for key in sorted(k for k in now if isinstance(k, str) and is_snippet(k) and k not in was):
        yield Hit(
            message=f"{where(change)}: {block}.annotations adds raw NGINX configuration ({key}){qualifier(change)}",
            attr=f"{block}.annotations[{key}]",
            head_route=(*notes, key),
            after=now[key],
            yields_to=yields,
        )
    for name in REDIRECTS:
        key = NGINX + name
        if str(was.get(key)).lower() == "true" and str(now.get(key)).lower() == "false":
            yield Hit(
                message=f"{where(change)}: {block} {name} true → false: plain HTTP is served instead of "
                f"redirected{qualifier(change)}",
                attr=f"{block}.annotations[{key}]",
                head_route=(*notes, key),
                base_route=(*base_route, "annotations", key),
                before=was.get(key),
                after=now.get(key),
                yields_to=yields,
            )
    for name, what in RESTRICTIONS.items():
        key = NGINX + name
        if key in was and key not in now:
            yield Hit(
                message=f"{where(change)}: {block} lost its {what} ({key} removed){qualifier(change)}",
                attr=f"{block}.annotations[{key}]",
                head_route=notes if now else head_route,
                base_route=(*base_route, "annotations", key),
                before=was[key],
                severity=Severity.HIGH,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM012",
    name="values-ingress-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
