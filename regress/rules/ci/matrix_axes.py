"""Line up a head matrix's axes with the base's where both feed the same input of the job.

A matrix value reaches the job through an action's input (``go-version: ${{ matrix.go }}`` of a
setup action, ``arch: ${{ matrix.arch }}`` of a toolchain action), and the runner through
``runs-on: ${{ matrix.os }}``, and the build through an environment variable (``CC: ${{ matrix.cc
}}`` in the job's, its container's or a step's ``env``). When the head renames the axis (``go`` →
``go.go-version``, a field of a mapping value) or drops it for one literal value (``go-version: stable``, ``arch: x64``,
``runs-on: ubuntu-latest``), the job still runs on that input: the head's axis is the base's under
another name, and the literal is the value every head combination has on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from regress.kinds.ci.model import MATRIX_REF, Job, Step
from regress.rules.ci.helpers import Combo
from regress.yamlload import YFloat

#: What feeds one input: ("axis", name) or ("literal", value).
Feed = tuple[str, str]
#: The job's runner, fed like a setup input.
_RUNS_ON = ("runs-on", "")


def _feed(value: object) -> Feed | None:
    """What feeds an input: one matrix axis, or a literal; None for anything else (another
    expression, two axes, a list of labels)."""
    if isinstance(value, YFloat):
        text = value.raw.strip()  # `1.20` as written, not the number 1.2
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
    else:
        return None
    m = MATRIX_REF.fullmatch(text)
    if m is not None:
        return ("axis", m.group(1))
    return ("literal", text) if text and "${{" not in text else None


def _action_feeds(steps: Iterable[Step]) -> dict[tuple[str, str], Feed]:
    found: dict[tuple[str, str], Feed] = {}
    for step in steps:
        if not step.uses:
            continue
        uses = step.uses.lower()
        for name, value in step.inputs.items():
            key = (uses, str(name).lower())
            if key not in found and (feed := _feed(value)) is not None:
                found[key] = feed
    return found


def _env_feeds(job: Job) -> dict[tuple[str, str], Feed]:
    """Environment variables the job sets (its ``env``, its container's, its steps'; the first
    one of each name): a compiler axis reaches the build as ``CC``, whatever the axis is called."""
    container = job.extra.get("container")
    sources = [job.extra.get("env"), container.get("env") if isinstance(container, Mapping) else None]
    sources.extend(step.env for step in job.steps)
    found: dict[tuple[str, str], Feed] = {}
    for env in sources:
        if not isinstance(env, Mapping):
            continue
        for name, value in env.items():
            key = ("env", str(name))
            if key not in found and (feed := _feed(value)) is not None:
                found[key] = feed
    return found


def feeds(job: Job, env: bool = False) -> dict[tuple[str, str], Feed]:
    """The inputs a job's matrix can feed, each with what feeds it: its runner, and the inputs of
    its action steps (the first step of each action); with ``env``, the environment variables it
    sets too (these line up renamed axes, but an axis feeding only a variable may be a setting
    that tunes an entry, `DISABLE_TESTS`, rather than what it runs on)."""
    found = _action_feeds(job.steps)
    if env:
        for key, feed in _env_feeds(job).items():
            found.setdefault(key, feed)
    runner = _feed(job.runs_on)
    if runner is not None:
        found[_RUNS_ON] = runner
    return found


def align(before: Job, after: Job, heads: Iterable[Combo]) -> frozenset[Combo]:
    """The head combinations with their axes named as the base names them: an axis the head feeds
    an input from takes the name of the base axis feeding that input, and a literal the head
    passes instead becomes that axis's value in every head combination."""
    base_axes = {a for c in (before.matrix.combos if before.matrix is not None else ()) for a, _ in c}
    combos = [dict(c) for c in heads]
    head_axes = {a for c in combos for a in c}
    now = feeds(after, env=True)
    for key, (kind, axis) in feeds(before, env=True).items():
        if kind != "axis" or axis in head_axes or key not in now:
            continue
        how, what = now[key]
        if how == "axis" and what in head_axes and what not in base_axes:
            for c in combos:
                if what in c:
                    c[axis] = c.pop(what)
        elif how == "literal":
            for c in combos:
                c.setdefault(axis, what)
    return frozenset(tuple(sorted(c.items())) for c in combos)
