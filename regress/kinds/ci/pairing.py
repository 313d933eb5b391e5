"""Pairing the steps of two versions of a job: by step key, then leftovers by what they run.

Order of evidence: the step key (id, action, name or command hash); then the same action or
command text; then the same name; then the same test runner (`meson test -C _build` →
`export X=1 && meson test -C "$DIR"`); then the same first command (a test step whose flags
changed, `pytest` → `pytest -k …`), not counting commands that only print or set the shell's
state (`echo "== Testing =="` starts many unrelated script lines); and last, when exactly one
unnamed command step is left on each side, those two (an edited one-off script keeps its place).
"""

from __future__ import annotations

from regress.kinds.ci.classify import TEST, classify_command, unwrap
from regress.kinds.ci.commands import parse
from regress.kinds.ci.model import Job, Step
from regress.kinds.ci.shell import split


def _content(step: Step) -> tuple[str | None, str]:
    return step.uses, " ".join((step.run or "").split())


def _first_command(step: Step) -> tuple[str, ...] | None:
    if step.run is None:
        return None
    for cmd in split(step.run):
        words = unwrap(cmd.argv)
        if words and words[0] not in _INERT:
            return words[:1] if words[0] not in _GENERIC else words[:2]
    return None


def _test_runner(step: Step) -> str | None:
    """The runner of the step's first test command (``meson test``), if it runs one."""
    if step.run is None or TEST not in step.classes:
        return None
    for cmd in split(step.run):
        words = unwrap(cmd.argv)
        if words and TEST in classify_command(words):
            return parse(words).key
    return None


#: Commands that only print a banner or set the shell's state: they tell nothing of what a step
#: is for, and a script's lines often all start with one (`echo "== Building ==" && …`).
_INERT = frozenset({"echo", "printf", "export", "set", "unset", "cd", "pushd", "popd", "true", ":"})


#: First words too common to identify a step by (they start unrelated commands).
_GENERIC = frozenset(
    {"npm", "yarn", "pnpm", "make", "go", "cargo", "mvn", "./gradlew", "gradle", "dotnet", "bash", "sh"}
)


def pair_steps(before: Job, after: Job) -> list[tuple[Step | None, Step | None]]:
    a = {s.key: s for s in before.steps}
    b = {s.key: s for s in after.steps}
    pairs: list[tuple[Step | None, Step | None]] = [(a[k], b[k]) for k in a if k in b]
    left_a = [a[k] for k in a if k not in b]
    left_b = [b[k] for k in b if k not in a]
    for match in (
        lambda sa, sb: _content(sb) == _content(sa),
        lambda sa, sb: bool(sb.name) and sb.name == sa.name,
        lambda sa, sb: _test_runner(sa) is not None and _test_runner(sa) == _test_runner(sb),
        lambda sa, sb: (
            sa.uses is None
            and sb.uses is None
            and _first_command(sa) is not None
            and _first_command(sa) == _first_command(sb)
        ),
    ):
        for sa in list(left_a):
            found = next((sb for sb in left_b if match(sa, sb)), None)
            if found is not None:
                pairs.append((sa, found))
                left_a.remove(sa)
                left_b.remove(found)
    runs_a = [s for s in left_a if s.run is not None and not s.name and s.uses is None]
    runs_b = [s for s in left_b if s.run is not None and not s.name and s.uses is None]
    if len(runs_a) == 1 and len(runs_b) == 1:
        pairs.append((runs_a[0], runs_b[0]))
        left_a.remove(runs_a[0])
        left_b.remove(runs_b[0])
    pairs.extend((s, None) for s in left_a)
    pairs.extend((None, s) for s in left_b)
    pairs.sort(key=lambda p: (p[1] or p[0]).index)  # type: ignore[union-attr]
    return pairs
