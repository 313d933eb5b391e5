"""The check shared by the rules that report a port newly open to the internet."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from regress.findings import Severity
from regress.kinds.terraform.checks import renamed_note
from regress.kinds.terraform.network import new_exposures, sensitive
from regress.model import Change
from regress.rules.base import Hit, RuleContext


def exposure_check(
    directions: frozenset[str], existing_groups_only: bool
) -> Callable[[Change, RuleContext], Iterator[Hit]]:
    def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
        after = change.after
        if after is None:
            return
        seen: set[str] = set()
        for e in new_exposures(change, ctx, directions, existing_groups_only):
            if e.text in seen:
                continue
            seen.add(e.text)
            yield Hit(
                message=f"{after.label}: {e.text}{renamed_note(change)}",
                attr=e.text,
                head_route=e.route,
                after=e.text,
                severity=Severity.HIGH if sensitive(e) else None,
            )

    return check
