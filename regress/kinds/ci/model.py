"""Platform-neutral CI model: a pipeline (triggers, permissions) with jobs made of steps.

GitHub Actions, GitLab CI, CircleCI, Azure Pipelines and Bitbucket map into these shapes, so a
rule such as "a test step's failure is now ignored" is written once. Platform-only concepts live in
``Pipeline.extra``/``Job.extra`` and get platform rules.

``extra`` keys that several platforms share (read by shared rules):
- ``Pipeline.extra["unresolved"]``: labels of what could define jobs but was not read (a remote
  include): a job missing from such a pipeline is unknown, not removed;
- ``Pipeline.extra["unscheduled"]``: job name → why a job still defined runs in no workflow
  (CircleCI: no workflow lists it, or its workflow is switched off by a parameter);
- ``Pipeline.extra["hidden"]``: names of hidden jobs (GitLab ``.name`` templates that never run);
- ``Job.extra["manual_blocking"]``: for a manual job, True when merging waits for it, False when the
  pipeline succeeds without it, absent or None when unknown;
- ``Job.extra["approval"]``/``["approval_route"]``: for a job gated by a person, what gates it
  (``when: manual``, an approval job) and the route of that gate in the job body.

Model objects of the ``ci`` family:
- type ``pipeline``: key (platform, pipeline id), facts ``Pipeline``;
- type ``job``: key (platform, pipeline id, job id), facts ``Job``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from regress.diff import FamilyDiff, name_list_key
from regress.model import ModelObject, Route

FAMILY = "ci"
#: The job id under which a local composite action's steps are modelled (one pseudo-job per action).
COMPOSITE_ID = "(composite action)"


class RefKind(enum.StrEnum):
    """How firmly a reference (action, image, include, orb) is pinned; ordered strongest first."""

    LOCAL = "local"  # ./path in the same repository and snapshot
    SHA = "sha"  # full commit id or image digest
    TAG = "tag"  # looks like a version
    BRANCH = "branch"  # anything else that moves (main, master, latest)
    NONE = "none"  # no ref at all

    @property
    def strength(self) -> int:
        return {"local": 4, "sha": 3, "tag": 2, "branch": 1, "none": 0}[self.value]


#: A ``${{ matrix.NAME }}`` expression (GitHub Actions); group 1 is NAME, dotted for a field of a
#: mapping value (``matrix.config.os``), as the matrix axes of such values are named.
MATRIX_REF = re.compile(r"\$\{\{\s*matrix\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}")


def texts(value: Any, keys: bool = False) -> Iterator[str]:
    """Every string in a pipeline body's value, depth first (mapping keys too with ``keys``): where
    an expression such as a matrix reference may be written."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if keys:
                yield str(k)
            yield from texts(v, keys)
    elif isinstance(value, list):
        for v in value:
            yield from texts(v, keys)


@dataclass(frozen=True, slots=True)
class Step:
    key: str  # identity inside the job
    index: int
    route: Route  # route of the step inside the job body
    name: str | None = None
    uses: str | None = None  # action/orb/task without the ref
    ref: str | None = None
    ref_kind: RefKind | None = None
    run: str | None = None
    shell: str | None = None  # the effective shell command template, e.g. "bash -e {0}"
    inputs: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, Any] = field(default_factory=dict)
    #: True, False, or the expression text when it depends on context.
    continue_on_error: Any = False
    condition: str | None = None
    classes: frozenset[str] = frozenset()
    #: Where the step came from when it was inlined from a local composite action.
    via: str | None = None
    #: A script an action runs on the step's behalf (a retry wrapper's ``command`` input), so the
    #: step is classified and compared by it; None for ordinary steps.
    wrapped: str | None = None
    #: make goals the step runs whose recipes run tests, read from the same snapshot's Makefile
    #: (`make richtest` → `richgo test ./...`); the step is classified ``test`` by them.
    test_goals: tuple[str, ...] = ()
    #: make goals the step runs whose recipes cannot be followed to the end (a prerequisite named
    #: through a variable: `run: $(SUBSYSTEMS)`): what they run is partly unknown.
    unread_goals: tuple[str, ...] = ()
    #: The folder the script starts in, relative to the checkout ("" for its root; None when it is
    #: computed at run time or lies outside the checkout): GitHub's ``working-directory``.
    workdir: str | None = ""

    @property
    def script(self) -> str | None:
        """What the step runs as shell: ``run``, else the wrapped command."""
        return self.run if self.run is not None else self.wrapped

    @property
    def label(self) -> str:
        if self.name:
            return f"step {self.name!r}"
        if self.uses:
            return f"step {self.uses}"
        if self.run:
            first = self.run.strip().splitlines()[0] if self.run.strip() else ""
            return f"step '{first[:60]}'"
        return f"step #{self.index + 1}"


@dataclass(frozen=True, slots=True)
class Matrix:
    #: Expanded combinations, each a sorted tuple of (axis, raw value text).
    combos: frozenset[tuple[tuple[str, str], ...]] = frozenset()
    #: Set when the matrix is computed at run time (``fromJSON``): it cannot be compared.
    dynamic: bool = False
    #: The axes whose product the entries are made of (GitHub's keys beside ``include`` and
    #: ``exclude``); a key an ``include`` entry adds to those entries is not one. Empty where the
    #: platform draws no such line, or the matrix is made of ``include`` entries alone.
    axes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Job:
    platform: str
    pipeline: str
    id: str
    route: Route
    name: str | None = None
    steps: tuple[Step, ...] = ()
    needs: frozenset[str] = frozenset()
    condition: str | None = None
    #: Job-level failure tolerance: False, True, or the expression text.
    allow_failure: Any = False
    manual: bool = False
    environment: str | None = None
    matrix: Matrix | None = None
    timeout: Any = None
    runs_on: Any = None
    permissions: Any = None
    #: A reusable workflow / child pipeline / template this job delegates to.
    uses: str | None = None
    ref_kind: RefKind | None = None
    secrets: Any = None
    classes: frozenset[str] = frozenset()
    #: Events (push, pull_request, merge_request, schedule, …) the job can run on; None = unknown.
    events: frozenset[str] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.id == COMPOSITE_ID:
            return "composite action" + (f" {self.name!r}" if self.name else "")
        return f"job {self.id!r}" + (f" ({self.name})" if self.name and self.name != self.id else "")


@dataclass(frozen=True, slots=True)
class Trigger:
    event: str
    #: Filters as written: branches, branches-ignore, paths, paths-ignore, tags, types, …
    filters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pipeline:
    platform: str
    id: str
    name: str | None = None
    triggers: Mapping[str, Trigger] = field(default_factory=dict)
    permissions: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _steps_key(route: Route, items: list[Any]) -> Any:
    if route and route[-1] == "steps":
        return None  # steps are ordered; the rules pair them by their own keys
    return name_list_key(route, items)


def _secondary_key(obj: ModelObject) -> Any:
    """Jobs by (platform, job id) and pipelines by (platform, name), across files: a job moved to
    another workflow file, or a workflow file renamed, pairs with its old self even when its
    content changed too, so the rules compare the two."""
    facts = obj.facts
    if isinstance(facts, Job) and facts.id != COMPOSITE_ID:
        return ("job", facts.platform, facts.id)
    if isinstance(facts, Pipeline) and facts.name:
        return ("pipeline", facts.platform, facts.name)
    return None


def _display_key(obj: ModelObject) -> Any:
    """Jobs by their display name in their pipeline file (``name: Distro test``), when it is a
    literal: a job whose id was renamed while its steps were rewritten is still that job."""
    facts = obj.facts
    if isinstance(facts, Job) and facts.name and "${{" not in facts.name and facts.id != COMPOSITE_ID:
        return ("job-name", facts.platform, facts.pipeline, facts.name.strip().lower())
    return None


#: A job id or display name pairs jobs across files, unless another job is far closer in content:
#: a stub that keeps a required check's id (``run: echo "docs only: no build"``) while the job
#: itself moved to another file under a new id.
DIFF = FamilyDiff(list_key=_steps_key, secondary_key=_secondary_key, display_key=_display_key, contest_weak_keys=True)
