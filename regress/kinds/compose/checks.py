"""Shared reading of a compose service change for the DC rules."""

from __future__ import annotations

from regress.kinds.compose.model import ServiceFacts
from regress.model import Change


def facts(change: Change) -> tuple[ServiceFacts | None, ServiceFacts | None]:
    """(before, after) normalised services; before is None for an added service."""
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    return (
        before if isinstance(before, ServiceFacts) else None,
        after if isinstance(after, ServiceFacts) else None,
    )
