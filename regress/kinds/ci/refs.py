"""How firmly a reference is pinned: commit SHA or digest > version tag > branch > nothing."""

from __future__ import annotations

import re

from regress.kinds.ci.model import RefKind

_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}\Z")
_VERSION = re.compile(r"v?\d+(\.\d+)*([-+.][0-9A-Za-z.-]+)?\Z")


#: Image tags that follow a channel rather than name a release: `latest` and branch-like tags, and
#: the distributions' rolling channels, which the official images publish as tags (Docker Hub's
#: debian: `stable`, `oldstable`, `testing`, `unstable`, `sid`, with `-slim` variants; fedora:
#: `rawhide`; ubuntu: `rolling`, `devel`; alpine: `edge`; opensuse/tumbleweed).
_MOVING_TAGS = frozenset(
    {
        "latest",
        "edge",
        "nightly",
        "main",
        "master",
        "stable",
        "dev",
        "oldstable",
        "testing",
        "unstable",
        "sid",
        "rawhide",
        "rolling",
        "devel",
        "tumbleweed",
    }
)


def ref_kind(ref: str | None) -> RefKind:
    if ref is None or ref == "":
        return RefKind.NONE
    if _SHA.match(ref) or _DIGEST.match(ref):
        return RefKind.SHA
    if _VERSION.match(ref):
        return RefKind.TAG
    return RefKind.BRANCH


def split_uses(uses: str) -> tuple[str, str | None, RefKind]:
    """``owner/repo/path@ref`` → (name, ref, kind); local ``./x`` and ``docker://`` handled."""
    uses = uses.strip()
    if uses.startswith(("./", "$/")) or uses == ".":
        return uses, None, RefKind.LOCAL
    if uses.startswith("docker://"):
        image = uses[len("docker://") :]
        name, ref, kind = split_image(image)
        return "docker://" + name, ref, kind
    name, sep, ref = uses.partition("@")
    return name, (ref if sep else None), ref_kind(ref if sep else None)


def split_image(image: str) -> tuple[str, str | None, RefKind]:
    """``repo/name:tag@sha256:…`` → (name, ref, kind). No tag means ``latest``: a moving ref."""
    image = image.strip()
    if "@" in image:
        name, _, digest = image.partition("@")
        name = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
        return name, digest, RefKind.SHA if _DIGEST.match(digest) else RefKind.BRANCH
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        name, _, tag = image.rpartition(":")
        if "${{" in tag or "$" in tag:
            return name, tag, RefKind.BRANCH
        if tag.removesuffix("-slim") in _MOVING_TAGS:
            return name, tag, RefKind.BRANCH
        return name, tag, ref_kind(tag) if ref_kind(tag) is RefKind.TAG else RefKind.TAG
    return image, None, RefKind.NONE
