"""A chart's values pin an image less firmly.

## What it does
Reads every values block named `image` (at any depth, case-insensitively) as an image reference —
the map form (`registry`, `repository`, `tag`, `digest`) or a plain `repo:tag@digest` string —
and reports

- a digest dropped (`digest: sha256:…` → empty or gone, or `@sha256:…` removed from the tag or
  the string);
- a fixed tag replaced by a moving one (`1.4.2` → `latest`, `main`, `nightly`, …, the list of
  `container-image-unpinned`).

An empty tag is not a moving one: most charts render `.Chart.AppVersion` when `tag` is empty, so
`1.4.2` → `""` stays silent unless a digest was dropped with it. Digest → digest and tag → tag
bumps are version bumps, also silent.

## Why is this bad?
A digest names one image; a tag can be moved by whoever can push to the registry, and a moving
tag is moved on every build. The deployed software then changes without a change to the chart,
and a compromised registry account reaches the cluster on the next pod restart.

## Example
```yaml
# base values.yaml                   # head values.yaml
image:                               image:
  repository: ghcr.io/acme/api         repository: ghcr.io/acme/api
  tag: 2.3.1                           tag: latest
```

## How to resolve
Keep the digest or a fixed tag, or approve the finding with the reason. When the chart renders,
the Kubernetes rules report the rendered containers' images and this finding steps back.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.images import FLOATING_TAGS
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES
from regress.model import Change, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.helm import KINDS, STATUSES, WATCHES, paired, qualifier, rendered_identities, text, where

NAMES = frozenset({"image"})


@dataclass(frozen=True, slots=True)
class Pin:
    digest: str
    tag: str
    #: Routes (inside the block) of the digest and tag, for locations.
    digest_at: Route
    tag_at: Route


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip()


def read(value: Any) -> Pin | None:
    """The digest and tag an image block or string pins; None when it is neither."""
    if isinstance(value, str):
        if not value.strip() or "{{" in value:
            return None
        ref, _, digest = value.strip().partition("@")
        last = ref.rsplit("/", 1)[-1]
        # A reference without a tag pulls :latest (github.com/distribution/reference).
        tag = last.rsplit(":", 1)[1] if ":" in last else "latest"
        return Pin(digest, tag, (), ())
    if not isinstance(value, dict) or not any(k in value for k in ("repository", "tag", "digest", "name")):
        return None
    tag, _, tag_digest = _text(value.get("tag")).partition("@")
    digest = _text(value.get("digest")) or tag_digest
    return Pin(digest, tag, ("digest",) if _text(value.get("digest")) else ("tag",), ("tag",))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    if change.before is None or change.after is None:
        return
    yields = rendered_identities(change, ctx, WORKLOAD_TYPES)
    for _, base, head in paired(change, NAMES):
        if base is None or head is None:
            continue
        was, now = read(base[1]), read(head[1])
        if was is None or now is None:
            continue
        if was.digest and not now.digest:
            yield Hit(
                message=f"{where(change)}: {text(head[0])} no longer pinned by digest "
                f"({was.digest[:19]}… dropped){qualifier(change)}",
                attr=f"{text(head[0])}.digest",
                head_route=(*head[0], "digest" if "digest" in head[1] else "tag")
                if isinstance(head[1], dict)
                else head[0],
                base_route=(*base[0], *was.digest_at),
                before=was.digest,
                after=None,
                yields_to=yields,
            )
        elif not now.digest and was.tag and was.tag.lower() not in FLOATING_TAGS and now.tag.lower() in FLOATING_TAGS:
            yield Hit(
                message=f"{where(change)}: {text(head[0])} tag {was.tag} → {now.tag}: a moving tag{qualifier(change)}",
                attr=f"{text(head[0])}.tag",
                head_route=(*head[0], *now.tag_at),
                base_route=(*base[0], *was.tag_at),
                before=was.tag,
                after=now.tag,
                yields_to=yields,
            )


RULE = Rule(
    code="HLM011",
    name="values-image-unpinned",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=WATCHES,
    check=check,
    doc=__doc__ or "",
    statuses=STATUSES,
)
