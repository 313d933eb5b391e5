"""Pairing the steps of two versions of a job: by step key, then leftovers by what they run."""

from __future__ import annotations

from regress.kinds.ci.model import Job, Step


def _content(step: Step) -> tuple[str | None, str]:
    return step.uses, " ".join((step.run or "").split())


def pair_steps(before: Job, after: Job) -> list[tuple[Step | None, Step | None]]:
    a = {s.key: s for s in before.steps}
    b = {s.key: s for s in after.steps}
    pairs: list[tuple[Step | None, Step | None]] = [(a[k], b[k]) for k in a if k in b]
    left_a = [a[k] for k in a if k not in b]
    left_b = [b[k] for k in b if k not in a]
    # A renamed step keeps what it runs; an unnamed one whose command changed keeps its place.
    for sa in list(left_a):
        match = next((sb for sb in left_b if _content(sb) == _content(sa)), None)
        if match is None:
            match = next((sb for sb in left_b if sb.name and sb.name == sa.name), None)
        if match is not None:
            pairs.append((sa, match))
            left_a.remove(sa)
            left_b.remove(match)
    pairs.extend((s, None) for s in left_a)
    pairs.extend((None, s) for s in left_b)
    pairs.sort(key=lambda p: (p[1] or p[0]).index)  # type: ignore[union-attr]
    return pairs
