"""What several CI rules ask of a change: the pipeline a job belongs to, whether a step still runs
verbatim somewhere in the head, how matrix entries pair, and the callers of a changed callee."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from regress.diff import canon
from regress.kinds.ci.classify import DEFAULT_PATTERNS, Patterns
from regress.kinds.ci.model import FAMILY, Job, Pipeline, RefKind, Step
from regress.model import Change, ModelObject, Route
from regress.rules.base import Index, RuleContext


def patterns_of(ctx: RuleContext) -> Patterns:
    """The classification patterns in force: the defaults extended by ``.regress.yml`` ``classify:``."""
    found = getattr(ctx.settings, "patterns", None)
    return found if isinstance(found, Patterns) else DEFAULT_PATTERNS


def jobs(change: Change) -> tuple[Job | None, Job | None]:
    before = change.before.facts if change.before else None
    after = change.after.facts if change.after else None
    return (before if isinstance(before, Job) else None, after if isinstance(after, Job) else None)


def remote_call(job: Job) -> str | None:
    """The reusable workflow of another repository a GitHub Actions job hands its work to
    (``org/meta/.github/workflows/build.yml@main``): opaque offline, so what it runs cannot be
    compared (CATALOGUE §0.2.7). None for a job with steps of its own or a local call."""
    if job.platform != "github" or not job.uses or job.ref_kind is RefKind.LOCAL or job.uses.startswith("./"):
        return None
    return job.uses


def pipelines(change: Change) -> tuple[Pipeline | None, Pipeline | None]:
    before = change.before.facts if change.before else None
    after = change.after.facts if change.after else None
    return (before if isinstance(before, Pipeline) else None, after if isinstance(after, Pipeline) else None)


def pipeline_obj(index: Index, job: Job) -> ModelObject | None:
    return index.get(FAMILY, (job.platform, job.pipeline))


def pipeline_jobs(index: Index, pipeline: Pipeline) -> list[Job]:
    return list(_jobs_by_pipeline(index).get((pipeline.platform, pipeline.id), ()))


def _jobs_by_pipeline(index: Index) -> dict[tuple[str, str], list[Job]]:
    """The side's jobs by (platform, pipeline), in index order: built once per side, since rules ask
    for one pipeline's jobs for every changed job and scanning all jobs each time made a change of
    many workflows quadratic."""
    return index.derived(_group_jobs)


def _group_jobs(index: Index) -> dict[tuple[str, str], list[Job]]:
    out: dict[tuple[str, str], list[Job]] = {}
    for job in all_jobs(index):
        out.setdefault((job.platform, job.pipeline), []).append(job)
    return out


def all_jobs(index: Index) -> Iterator[Job]:
    for obj in index.of_type(FAMILY, "job"):
        if isinstance(obj.facts, Job):
            yield obj.facts


def signature(step: Step) -> Any:
    """What a step does, without its name, position or action version: two steps with the same
    signature run the same thing (a verbatim move between jobs or workflow files)."""
    return canon(
        {
            "uses": (step.uses or "").lower(),
            "run": " ".join((step.run or "").split()),
            # The same script from another folder runs other tests (`go test ./...`).
            "workdir": step.workdir,
            "with": dict(step.inputs),
            "env": dict(step.env),
        }
    )


#: Events whose checks gate a change before it merges: a pull request's (GitHub), the merge
#: queue's, a merge request's (GitLab).
PR_EVENTS = frozenset({"pull_request", "pull_request_target", "merge_group", "merge_request"})


def head_jobs(ctx: RuleContext, near: ModelObject | None = None) -> list[Job]:
    """The head's jobs that a change may have moved work to: those of every pipeline the change
    loaded and, with ``near``, those of the other pipeline files beside it (the rest of
    ``.github/workflows/``), which the change did not touch and which are loaded only now, on
    demand (``RuleContext.around``): a scan deleted from one workflow may still run in another."""
    out: dict[tuple[str, str, str], Job] = {}
    for job in all_jobs(ctx.head):
        out.setdefault((job.platform, job.pipeline, job.id), job)
    if near is not None:
        for obj in ctx.around("head", near):
            job = obj.facts
            if obj.family == FAMILY and isinstance(job, Job):
                out.setdefault((job.platform, job.pipeline, job.id), job)
    return list(out.values())


def base_jobs(ctx: RuleContext, near: ModelObject) -> list[Job]:
    """The base's jobs of every pipeline the change loaded and of the pipeline files beside
    ``near`` (the counterpart of ``head_jobs``)."""
    out: dict[tuple[str, str, str], Job] = {}
    for job in all_jobs(ctx.base):
        out.setdefault((job.platform, job.pipeline, job.id), job)
    for obj in ctx.around("base", near):
        job = obj.facts
        if obj.family == FAMILY and isinstance(job, Job):
            out.setdefault((job.platform, job.pipeline, job.id), job)
    return list(out.values())


def covers(other: Job, base: Job | None) -> bool:
    """Whether ``other`` runs on the events that made ``base``'s checks gate a change: its pull
    request (merge queue, merge request) events if it had any, else ``push``. A scan that moved
    to a nightly workflow no longer gates pull requests. Unknown events cover anything (unknown
    stays unknown: CATALOGUE.md §0.2.7)."""
    if base is None or base.events is None or other.events is None:
        return True
    need = _gating(base.events) & PR_EVENTS or base.events & {"push"}
    return need <= _gating(other.events)


def _gating(events: frozenset[str]) -> frozenset[str]:
    """``pull_request_target`` gates the same pull requests as ``pull_request`` (it runs for each
    of them, in the base's context: GitHub docs "Events that trigger workflows"), so a job moved
    from one to the other still checks every pull request."""
    if "pull_request_target" in events:
        return (events | {"pull_request"}) - {"pull_request_target"}
    return events


def runs_elsewhere(step: Step, ctx: RuleContext, near: ModelObject | None = None, on: Job | None = None) -> bool:
    """The step still runs verbatim somewhere in the head (a job or workflow it moved to); with
    ``near``, the untouched pipeline files beside it count too (``head_jobs``), and with ``on``
    (the job the step ran in) only jobs that run on the events it gated (``covers``)."""
    sig = signature(step)
    return any(signature(s) == sig for job in head_jobs(ctx, near) if covers(job, on) for s in job.steps)


def own_steps(job: Job) -> list[Step]:
    """Steps written in the job itself (a local composite action's inner steps are left out: the
    calling step stands for them)."""
    return [s for s in job.steps if s.via is None]


def callers_related(job: Job | None) -> tuple[tuple[ModelObject, Route, str], ...]:
    """Related head locations for a weakening inside a local composite action or reusable workflow."""
    if job is None:
        return ()
    callers = job.extra.get("callers") or ()
    return tuple((obj, route, "head") for obj, route in callers)


# -- matrix entries ----------------------------------------------------------------------------------
_PRE = re.compile(r"^(?P<rel>.+?)(?:[-.]?(?:dev|alpha|beta|rc|a|b|pre|preview|nightly)[.-]?\d*)$", re.I)

Combo = tuple[tuple[str, str], ...]


#: A version range as actions/setup-python reads it (``3.12.0-beta.3 - 3.12``: from a pre-release
#: up to the final release, a semver hyphen range; setup-python docs "Specifying a Python version").
_RANGE = re.compile(r"^(?P<low>\S+)\s+-\s+(?P<high>\S+)$")


def _final(version: str) -> str:
    return re.sub(r"(\.0)+$", "", version) if version.count(".") >= 2 else version


def release_of(value: str) -> str | None:
    """``3.14-dev`` → ``3.14``; ``3.13.0-rc.2`` → ``3.13``; a range from a pre-release to its
    final release (``3.12.0-beta.3 - 3.12``) → ``3.12``; None for a final version."""
    r = _RANGE.match(value.strip())
    if r:
        low = release_of(r.group("low"))
        return low if low is not None and low == _final(r.group("high")) else None
    m = _PRE.match(value.strip())
    if not m or not re.search(r"\d", m.group("rel")):
        return None
    return _final(m.group("rel").rstrip("-."))


def same_entry_value(base: str, head: str) -> bool:
    """Equal as raw text, or a pre-release followed by its final release."""
    if base == head:
        return True
    rel = release_of(base)
    if rel is None:
        return False
    return rel == _final(head)


def kept(base: Combo, heads: Iterable[Combo]) -> bool:
    """A base matrix entry still runs when some head entry has each of its values (head entries
    may carry more axes; a pre-release may have become its final release)."""
    for h in heads:
        hd = dict(h)
        if all(k in hd and same_entry_value(v, hd[k]) for k, v in base):
            return True
    return False


def matrix_context(combo: Combo) -> dict[str, Any]:
    """The ``matrix`` context of one entry; keys it lacks are null, as on GitHub."""
    out: dict[str, Any] = {"__default__": None}
    for k, v in combo:
        # A mapping value's field is its own axis, ``config.os`` (parse_matrix): nest it again, so
        # ``matrix.config.os`` reads it.
        *path, last = k.split(".")
        at = out
        for part in path:
            inner = at.get(part)
            if not isinstance(inner, dict):
                inner = at[part] = {"__default__": None}
            at = inner
        at[last] = _scalar(v)
    return out


def _scalar(text: str) -> Any:
    """Matrix values keep their raw text (``3.10`` stays ``3.10``); expressions compare strings
    and numbers loosely, so only booleans and null need their own type."""
    if text in ("true", "false"):
        return text == "true"
    if text in ("", "null"):
        return None
    return text


def shown(combo: Combo) -> str:
    return ", ".join(f"{k}={v}" for k, v in combo) or "(single run)"


_DIGITS = re.compile(r"(\d+)")


def natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key in the order a reader counts: numbers compare as numbers (``9`` before ``10``,
    Python 3.9 before 3.10)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _DIGITS.split(text) if p)


def listed_text(items: list[str], show: int = 4) -> str:
    """The first ``show`` of ``items`` for a message, and how many more there are."""
    more = f"; … {len(items) - show} more" if len(items) > show else ""
    return "; ".join(items[:show]) + more


def listed(combos: Iterable[Combo], show: int = 4) -> str:
    """A few matrix entries for a message, in the order a reader counts them, and how many more
    there are."""
    return listed_text(sorted((shown(c) for c in combos), key=natural), show)


def jobs_of(index: Index, platform: str, pipeline: str) -> dict[str, Job]:
    """The jobs of one pipeline on one side, by id."""
    return {job.id: job for job in _jobs_by_pipeline(index).get((platform, pipeline), ())}


def needs_closure(job: Job, by_id: dict[str, Job]) -> set[str]:
    """Every job ``job`` waits for, directly or through others."""
    seen: set[str] = set()
    todo = list(job.needs)
    while todo:
        j = todo.pop()
        if j in seen:
            continue
        seen.add(j)
        other = by_id.get(j)
        if other is not None:
            todo.extend(other.needs)
    return seen


def lost_steps(before: Job, after: Job, ctx: RuleContext, keep: Callable[[Step], bool]) -> list[Step]:
    """Base steps matching ``keep`` that no head step of the job matches by pairing, and that do
    not run verbatim anywhere else in the head's loaded pipelines (a move). Per-pipeline signals
    (a failure notification, a report, a post-deploy check) are not covered by a copy in an
    untouched file, so the files beside it are not consulted."""
    from regress.kinds.ci.pairing import pair_steps

    out = []
    for sb, sa in pair_steps(before, after):
        if sb is None or sb.via is not None or not keep(sb):
            continue
        if sa is not None and keep(sa):
            continue
        if runs_elsewhere(sb, ctx):
            continue
        out.append(sb)
    return out
