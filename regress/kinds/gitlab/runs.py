"""Comparing where a GitLab job runs on two sides of a change.

Pipeline kinds are grouped by what they gate: *before merge* (merge request pipelines and branch
pipelines: moving a job from branch pipelines to merge request pipelines loses nothing), the
default branch, tags, and schedules. Under every combination of answers to the unknown facts
either side depends on (the same facts on both sides get the same answers, so an equivalent
rewrite compares equal), a job that ran by itself in a group before and does not run there any
more — or only manually — has lost that group; when it is lost under some answers only, the loss
is partial and the facts that decide it are named.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass

from regress.kinds.gitlab.contexts import Source
from regress.kinds.gitlab.expr import Atom, describe
from regress.kinds.gitlab.policy import MAX_ATOMS, Outcome, RunPolicy


class Group(enum.Enum):
    PRE_MERGE = (Source.MERGE_REQUEST, Source.BRANCH)
    DEFAULT_BRANCH = (Source.DEFAULT_BRANCH,)
    TAG = (Source.TAG,)
    SCHEDULE = (Source.SCHEDULE,)

    @property
    def label(self) -> str:
        return {
            Group.PRE_MERGE: "merge request and branch pipelines",
            Group.DEFAULT_BRANCH: "default-branch pipelines",
            Group.TAG: "tag pipelines",
            Group.SCHEDULE: "scheduled pipelines",
        }[self]


class LossKind(enum.StrEnum):
    STOPS = "stops"  # no longer runs (left out, when: never, on_failure)
    MANUAL = "manual"  # still there, but only when someone starts it


@dataclass(frozen=True, slots=True)
class Loss:
    group: Group
    kind: LossKind
    #: False when lost under every answer for which it ran before.
    partial: bool
    #: Unknown facts that decide a partial loss, as phrases.
    depends_on: tuple[str, ...] = ()


def _runs(outcomes: list[Outcome | None]) -> str:
    """auto (runs by itself somewhere in the group), manual, or none."""
    if any(o is not None and o.automatic for o in outcomes):
        return "auto"
    if any(o is not None and o.when == "manual" for o in outcomes):
        return "manual"
    return "none"


def compare(before: RunPolicy, after: RunPolicy) -> list[Loss]:
    losses: list[Loss] = []
    for group in Group:
        atoms: dict[Atom, None] = {}
        new: dict[Atom, None] = {}
        for source in group.value:
            old = before.atoms(source)
            for atom in (*old, *after.atoms(source)):
                atoms.setdefault(atom, None)
                if atom not in old:
                    new.setdefault(atom, None)
        names = list(atoms)[:MAX_ATOMS]
        ran = lost_stop = lost_manual = 0
        deciding: dict[Atom, None] = {}
        for answers in itertools.product((False, True), repeat=len(names)):
            assignment = dict(zip(names, answers, strict=True))

            def oracle(atom: Atom, asg: dict[Atom, bool] = assignment) -> bool:
                return asg.get(atom, False)

            was = _runs([before.outcome(s, oracle) for s in group.value])
            if was != "auto":
                continue
            ran += 1
            now = _runs([after.outcome(s, oracle) for s in group.value])
            if now == "auto":
                continue
            if now == "manual":
                lost_manual += 1
            else:
                lost_stop += 1
            for atom, value in assignment.items():
                if value:
                    deciding.setdefault(atom, None)
        lost = lost_stop + lost_manual
        if not ran or not lost:
            continue
        kind = LossKind.STOPS if lost_stop else LossKind.MANUAL
        partial = lost < ran
        # What decides a partial loss: the conditions the head added, else those that were true
        # whenever it was lost, else everything involved.
        deciders = list(new) or list(deciding) or names
        depends = tuple(describe(x) for x in deciders[:3]) if partial else ()
        losses.append(Loss(group, kind, partial, depends))
    return losses
