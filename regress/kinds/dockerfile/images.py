"""Container image references: how firmly they pin what they pull, and which images are known
to run as a non-root user without a ``USER`` line.

Pin order (strongest first): a digest, an exact version tag (three or more numeric parts:
``2.8.19``, ``20.11.1-alpine``), a moving tag (``20``, ``3.14-slim``, ``stable``), ``latest``
or no tag at all (Docker pulls ``latest``). ``docker.io/library/redis`` is ``redis``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Pin(enum.IntEnum):
    LATEST = 0
    MOVING_TAG = 1
    EXACT_TAG = 2
    DIGEST = 3


@dataclass(frozen=True, slots=True)
class ImageRef:
    name: str  # normalised repository, without docker.io/library/
    tag: str  # "" when absent
    digest: str  # "" when absent

    @property
    def pin(self) -> Pin:
        if self.digest:
            return Pin.DIGEST
        if not self.tag or self.tag == "latest":
            return Pin.LATEST
        return Pin.EXACT_TAG if version_parts(self.tag) >= 3 else Pin.MOVING_TAG

    def __str__(self) -> str:
        out = self.name
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out


_NUMBERS = re.compile(r"\d+(?:\.\d+)*")


def version_parts(tag: str) -> int:
    """How many dotted numeric parts the tag's version has: ``3.14.3-slim`` → 3, ``20`` → 1."""
    m = _NUMBERS.search(tag)
    return len(m.group(0).split(".")) if m else 0


def parse_ref(text: str) -> ImageRef | None:
    """``[registry/]repo[:tag][@digest]``; None for ``scratch`` and for what is no reference."""
    ref = text.strip()
    if not ref or ref.lower() == "scratch" or "$" in ref:
        return None
    digest = ""
    if "@" in ref:
        ref, _, digest = ref.partition("@")
    tag = ""
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, _, tag = ref.rpartition(":")
    name = ref.lower()
    for prefix in ("docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    for prefix in ("docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name.startswith("library/") and name.count("/") == 1:
        name = name[len("library/") :]
    return ImageRef(name, tag, digest)


def runs_as_non_root(ref: ImageRef | None) -> bool:
    """Images whose own configuration sets a non-root user.

    - Distroless ``:nonroot`` and ``:debug-nonroot`` tags (and ``-nonroot`` suffixed variants)
      set user 65532 (GoogleContainerTools/distroless README, "Non-root images").
    - Chainguard images (``cgr.dev/chainguard/…``) run as a non-root user by default
      (Chainguard Images docs, "Overview"; unverified for every image): treated as non-root
      unless the tag says ``root``.
    """
    if ref is None:
        return False
    tag = ref.tag.lower()
    if ref.name.startswith("gcr.io/distroless/") and (tag == "nonroot" or tag.endswith("-nonroot")):
        return True
    return ref.name.startswith("cgr.dev/chainguard/") and "root" not in tag


class UserKind(enum.Enum):
    ROOT = "root"
    NON_ROOT = "non-root"
    UNKNOWN = "unknown"


_ROOT_NAMES = frozenset({"root", "0"})


def user_kind(user: str | None, base: ImageRef | None) -> UserKind:
    """What a stage runs as: its last ``USER`` (``root``, ``0``, ``0:0``, ``root:staff`` are root;
    an unresolved ``${VAR}`` is unknown), else what the base image sets (root unless known)."""
    if user is None or not user.strip():
        return UserKind.NON_ROOT if runs_as_non_root(base) else UserKind.ROOT
    text = user.strip()
    if "$" in text:
        return UserKind.UNKNOWN
    name = text.split(":", 1)[0].strip().lower()
    return UserKind.ROOT if name in _ROOT_NAMES else UserKind.NON_ROOT
