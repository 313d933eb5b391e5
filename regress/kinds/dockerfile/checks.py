"""Shared shape of Dockerfile rules that report a signature the head side adds to a stage."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from regress.kinds.dockerfile.commands import Found, line_route
from regress.kinds.dockerfile.model import Stage, StageFacts
from regress.model import Change
from regress.rules.base import Hit, RuleContext


def added(
    find: Callable[..., Found],
    what: str,
    on_new_stage: bool = True,
    slot: Callable[[Stage], dict[str, str]] | None = None,
) -> Callable[[Change, RuleContext], Iterator[Hit]]:
    """Report each signature ``find`` sees in the head stage and not in the base stage; a stage
    that is new (a new Dockerfile, a new stage) reports all of its own when ``on_new_stage``:
    for security, an addition that brings in exposure is a finding.

    ``slot`` names what each signature is for (an ``ADD``'s destination): a head signature that
    takes the slot of a base signature the head dropped replaces it (a download re-pointed to a
    new version's URL) and is no addition."""

    def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
        del ctx
        after = change.after
        if after is None or not isinstance(after.facts, StageFacts):
            return
        before_facts = change.before.facts if change.before is not None else None
        if before_facts is None and not on_new_stage:
            return
        old = find(before_facts.stage) if isinstance(before_facts, StageFacts) else {}
        new = find(after.facts.stage)
        freed: list[str] = []
        new_slots: dict[str, str] = {}
        if slot is not None and isinstance(before_facts, StageFacts):
            old_slots = slot(before_facts.stage)
            freed = [old_slots[s] for s in sorted(old) if s not in new and s in old_slots]
            new_slots = slot(after.facts.stage)
        for sig, line in sorted(new.items()):
            if sig in old:
                continue
            if new_slots.get(sig) in freed:
                freed.remove(new_slots[sig])
                continue
            yield Hit(
                message=f"{after.label}: {what}: {sig}",
                attr=sig,
                head_route=line_route(line),
                after=sig,
            )

    return check
