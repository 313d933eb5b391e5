"""Container image references and how firmly they are pinned.

A reference is `[registry[:port]/]repository[:tag][@algorithm:digest]` (the distribution
reference grammar, github.com/distribution/reference). Without a tag or digest the runtime pulls
`:latest`. With a digest the tag is informational only: the digest decides what runs.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any


class Pin(enum.IntEnum):
    """How firmly a reference names one image: higher is firmer."""

    #: No tag, `:latest`, or a branch-like tag that is moved on every build.
    FLOATING = 1
    #: A version tag: a registry may move it, but by convention it names one release.
    TAG = 2
    #: A content digest: immutable.
    DIGEST = 3


#: Tags that are moved by design. A release tag (`1.4`, `v2.3.1-alpine`) is not in this set.
FLOATING_TAGS = frozenset(
    {"latest", "stable", "main", "master", "edge", "nightly", "dev", "develop", "development", "head", "canary"}
)
_DIGEST = re.compile(r"@[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}\Z")
#: Placeholders from envsubst, Kustomize vars, Helm leftovers or CI templating: unknown, not unpinned.
_PLACEHOLDER = re.compile(r"\$\{|\$\(|\{\{|<|%\{|\$[A-Z_]")


@dataclass(frozen=True, slots=True)
class ImageRef:
    repository: str
    tag: str | None
    digest: str | None

    @property
    def pin(self) -> Pin:
        if self.digest:
            return Pin.DIGEST
        if self.tag is None or self.tag.lower() in FLOATING_TAGS:
            return Pin.FLOATING
        return Pin.TAG

    def __str__(self) -> str:
        return self.repository + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")


def parse_image(value: Any) -> ImageRef | None:
    """The reference, or None when it is not a literal reference (empty, templated, not a string)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or _PLACEHOLDER.search(text) or any(c.isspace() for c in text):
        return None
    digest = None
    m = _DIGEST.search(text)
    if m:
        digest = m.group(0)[1:]
        text = text[: m.start()]
    elif "@" in text:
        return None
    last = text.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        tag = last.rsplit(":", 1)[1]
        text = text[: len(text) - len(tag) - 1]
        if not tag:
            return None
    if not text:
        return None
    return ImageRef(text, tag, digest)
