"""Base image references of a changed stage, for the three pinning rules."""

from __future__ import annotations

from regress.kinds.dockerfile.images import ImageRef
from regress.kinds.dockerfile.model import StageFacts
from regress.model import Change


def base_refs(change: Change) -> tuple[ImageRef, ImageRef] | None:
    """(before, after) image references of a stage that pulls an image on both sides."""
    before, after = change.before, change.after
    if before is None or after is None:
        return None
    fb, fa = before.facts, after.facts
    if not isinstance(fb, StageFacts) or not isinstance(fa, StageFacts):
        return None
    rb, ra = fb.stage.image, fa.stage.image
    if rb is None or ra is None:
        return None  # FROM another stage, scratch, or an unresolved ${ARG}
    return rb, ra
