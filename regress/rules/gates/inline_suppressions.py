"""What the inline-suppression rules share: new markers of one tool, per check, in one scope."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from regress.kinds.gates.inline import TYPE, InlineSuppressions, Marker, Tool
from regress.kinds.gates.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit

WATCHES = ((FAMILY, TYPE),)
STATUSES = frozenset({"added", "modified", "renamed", "moved"})


def _markers(change: Change, side: str) -> tuple[Marker, ...]:
    obj = change.after if side == "head" else change.before
    facts = obj.facts if obj is not None else None
    return facts.markers if isinstance(facts, InlineSuppressions) else ()


def new_markers(change: Change, tool: Tool) -> Iterator[tuple[str, int, int, int]]:
    """(check, base count, head count, index of a new head marker) for every check of ``tool``
    that the scope suppresses more often than before."""
    facts = change.after.facts if change.after is not None else None
    if isinstance(facts, InlineSuppressions) and tool.value in facts.introduced:
        # The change brings this scanner in (the base runs it nowhere): its suppressions accept
        # what it finds in the existing code and hide nothing the base checked.
        return
    base = [m for m in _markers(change, "base") if m.tool is tool]
    head = _markers(change, "head")
    for check in sorted({m.check for m in head if m.tool is tool}):
        was = [m for m in base if m.check == check]
        now = [(i, m) for i, m in enumerate(head) if m.tool is tool and m.check == check]
        if len(now) <= len(was):
            continue
        old_anchors = {m.anchor for m in was}
        fresh = [i for i, m in now if m.anchor not in old_anchors] or [now[-1][0]]
        yield check, len(was), len(now), fresh[0]


def hits(change: Change, tool: Tool, describe: Callable[[str], str]) -> Iterator[Hit]:
    """One hit per check of ``tool`` suppressed more often; ``describe(check)`` names the comment
    (``a Checkov skip comment for CKV_AWS_18``)."""
    obj = change.after
    if obj is None:
        return
    head = _markers(change, "head")
    for check, was, now, index in new_markers(change, tool):
        marker = head[index]
        where = f"in {marker.path}" if marker.anchor == "(file)" else f"on {marker.anchor} in {marker.path}"
        more = "" if was == 0 else f" ({was} → {now} in {obj.key[-1]})"
        yield Hit(
            message=f"{describe(check)} added {where}{more}",
            attr=f"{tool.value}[{check}]",
            head_route=("markers", index),
            before=was,
            after=now,
        )
