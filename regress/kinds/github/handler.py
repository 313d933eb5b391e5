"""GitHub Actions workflows and local composite actions as CI model objects.

A workflow is loaded together with what it calls from the same snapshot: local composite actions
(``uses: ./path``) are inlined into the calling job's steps (marked ``via``) and local reusable
workflows (``uses: ./.github/workflows/x.yml``) lend their classification to the calling job, so a
weakening inside a callee is judged where it runs. Remote actions and workflows are opaque, keyed
by name and pin kind.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.ci import classify as cls
from regress.kinds.ci import tox_envs
from regress.kinds.ci.make_goals import MakeGoals
from regress.kinds.ci.model import COMPOSITE_ID, FAMILY, MATRIX_REF, Job, Matrix, Pipeline, RefKind, Step, Trigger
from regress.kinds.ci.refs import split_image, split_uses
from regress.kinds.ci.shell import walk
from regress.kinds.ci.signals import RETRY_ACTIONS
from regress.kinds.gates import inline
from regress.kinds.github import expr
from regress.kinds.github.api_steps import api_only_step
from regress.model import ModelObject, Notice, NoticeKind, Origin, Route, YamlSourceMap
from regress.source.base import Snapshot, snapshot_memo
from regress.yamlload import LoadError, YFloat

KIND = "github-actions"
PLATFORM = "github"
_WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")
_ACTION = re.compile(r"(^|/)action\.ya?ml$")
#: GitHub's documented nesting limit for composite actions and reusable workflows.
MAX_NESTING = 10
#: Words that make a deploy word the object of a check (`check_release`, `verify-publish`,
#: `release-dry-run`): such a job rehearses or checks a release and ships nothing.
_CHECK_WORDS = frozenset({"check", "checks", "verify", "validate", "dry", "dryrun", "lint"})


def is_workflow(path: str) -> bool:
    return bool(_WORKFLOW.match(path))


def is_action(path: str) -> bool:
    return bool(_ACTION.search(path)) and not path.startswith(".github/workflows/")


class GitHubActionsHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        if is_workflow(path) or is_action(path):
            return [Unit(KIND, path)]
        return []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            loaded = ctx.yaml(path)
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        doc = loaded.documents[0] if loaded.documents else None
        if doc is None and is_workflow(path):
            # An empty workflow file (or one of comments only) defines nothing: GitHub runs no job
            # from it. Read as a workflow without jobs, what the base's version of it ran is lost.
            result.notices.append(Notice(NoticeKind.INPUT, "the workflow file is empty: it runs no job", path, 1))
            doc = {}
        if not isinstance(doc, dict):
            if is_workflow(path):
                result.errors.append(UnitError(path, "a workflow must be a mapping", 1))
            return result
        for line, key in loaded.duplicates:
            result.notices.append(
                Notice(NoticeKind.INPUT, f"duplicate key {key!r}: the last value is used", path, line)
            )
        builder = _Builder(ctx, result)
        if is_workflow(path):
            builder.workflow(path, doc)
        else:
            builder.composite(path, doc)
        # zizmor reads `# zizmor: ignore[…]` comments, which the YAML loader drops.
        found = inline.suppressions_object(KIND, path, [(path, ctx.text(path))], inline.Syntax.YAML, ctx)
        if found is not None:
            result.objects.append(found)
        return result


def _text(value: Any) -> str:
    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return repr(value)
    return str(value)


class _Builder:
    def __init__(self, ctx: LoadContext, result: LoadResult) -> None:
        self.ctx = ctx
        self.result = result
        settings = ctx.settings
        self.patterns: cls.Patterns = getattr(settings, "patterns", None) or cls.DEFAULT_PATTERNS
        self.make_goals = MakeGoals(self._read)
        #: Jobs of local reusable workflows by (path, nesting depth), read once per load.
        self.callees: dict[tuple[str, int], tuple[Job, ...] | None] = {}

    # -- workflows ---------------------------------------------------------------------------
    def workflow(self, path: str, doc: Mapping[str, Any]) -> None:
        smap = YamlSourceMap(path, doc, 1)
        origin = Origin(KIND, path, smap)
        # ``on`` stays a string under YAML 1.2; a True key means a YAML 1.1 producer wrote the file.
        triggers = parse_triggers(doc["on"] if "on" in doc else {**doc}.get(True))  # type: ignore[call-overload]
        name = doc.get("name") if isinstance(doc.get("name"), str) else None
        pipeline = Pipeline(
            PLATFORM,
            path,
            name,
            triggers,
            doc.get("permissions"),
            {"concurrency": doc.get("concurrency"), "env": doc.get("env"), "defaults": doc.get("defaults")},
        )
        self.result.objects.append(
            ModelObject(
                FAMILY,
                "pipeline",
                (PLATFORM, path),
                _without(doc, "jobs"),
                origin,
                f"workflow {path}",
                pipeline,
                name_hint=name or "",
            )
        )
        jobs = doc.get("jobs")
        if not isinstance(jobs, dict):
            return
        wf_shell = _default_shell(doc)
        callers = self.callers(f"./{path}") if "workflow_call" in triggers else ()
        # A reusable workflow's jobs run on the events of the workflows that call it.
        run_on = triggers
        if "workflow_call" in triggers:
            run_on = with_caller_events(triggers, caller_events(self.ctx, path))
        for job_id, body in jobs.items():
            if not isinstance(body, dict):
                continue
            workdir = _default_workdir(doc, "")
            job = self.job(path, str(job_id), body, ("jobs", job_id), wf_shell, run_on, workdir, 0, doc.get("env"))
            if callers:
                job = replace(job, extra={**job.extra, "callers": callers})
            self.result.objects.append(
                ModelObject(
                    FAMILY,
                    "job",
                    (PLATFORM, path, str(job_id)),
                    body,
                    Origin(KIND, path, _Sub(smap, ("jobs", job_id))),
                    f"{job.label} in {path}",
                    job,
                    name_hint=str(job_id),
                )
            )

    def job(
        self,
        path: str,
        job_id: str,
        body: Mapping[str, Any],
        route: Route,
        wf_shell: str | None,
        triggers: Mapping[str, Trigger],
        wf_workdir: str | None = "",
        depth: int = 0,
        wf_env: Any = None,
    ) -> Job:
        runs_on = body.get("runs-on")
        shell = _default_shell(body) or wf_shell
        workdir = _default_workdir(body, wf_workdir)
        windows = "windows" in _text(runs_on).lower()
        steps_raw = body.get("steps")
        checkout = _checkout_path(steps_raw)
        steps: list[Step] = []
        counts: dict[str, int] = {}
        for i, sub, raw in _flat_steps(steps_raw):
            steps.extend(
                self.step(raw, i, ("steps", *sub), shell, windows, counts, path, 0, workdir=workdir, checkout=checkout)
            )
        matrix = parse_matrix(body.get("strategy"))
        steps = [_env_programs(s, wf_env, body.get("env"), self.patterns) for s in steps]
        steps = [_lint_envs(s, body.get("env"), matrix, self.patterns) for s in steps]
        uses = body.get("uses") if isinstance(body.get("uses"), str) else None
        job_classes = cls.union(s.classes for s in steps)
        ref_kind = None
        callee_permissions: tuple[Any, ...] | None = None
        callee_jobs: tuple[Job, ...] | None = None
        if uses:
            name, _, ref_kind = split_uses(uses)
            callee_jobs = self.callee_jobs(name, ref_kind, depth)
            job_classes |= cls.union(j.classes for j in callee_jobs or ())
            callee_permissions = self.callee_permissions(name, ref_kind)
        job_name = body.get("name") if isinstance(body.get("name"), str) else None
        words = cls.name_words(job_id, job_name)
        if (
            cls.name_says_test(job_id, job_name)
            and (
                uses or any(not (_prepares(s) or _notifies(s) or api_only_step(s) or _states_outcome(s)) for s in steps)
            )
            and not _lint_check(words, job_classes)
        ):
            job_classes |= {cls.TEST}
        env = body.get("environment")
        env_name = env.get("name") if isinstance(env, dict) else env
        env_text = _text(env_name) if env_name is not None else None
        if env_text or (words & cls.DEPLOY_JOB_WORDS and not words & _CHECK_WORDS):
            job_classes |= {cls.DEPLOY}
        needs = body.get("needs")
        needs_set = frozenset(
            [needs] if isinstance(needs, str) else [str(n) for n in needs] if isinstance(needs, list) else []
        )
        condition = body.get("if")
        return Job(
            platform=PLATFORM,
            pipeline=path,
            id=job_id,
            route=route,
            name=job_name,
            steps=tuple(steps),
            needs=needs_set,
            condition=_text(condition) if condition is not None else None,
            allow_failure=_flag(body.get("continue-on-error")),
            environment=env_text,
            matrix=matrix,
            timeout=body.get("timeout-minutes"),
            runs_on=runs_on,
            permissions=body.get("permissions"),
            uses=uses,
            ref_kind=ref_kind,
            secrets=body.get("secrets"),
            classes=frozenset(job_classes),
            events=job_events(triggers, _text(condition) if condition is not None else None),
            extra={
                "container": body.get("container"),
                "services": body.get("services"),
                "concurrency": body.get("concurrency"),
                "env": body.get("env"),
                "deployment": env.get("deployment") if isinstance(env, dict) else None,
                "callee_permissions": callee_permissions,
                "callee_jobs": callee_jobs,
            },
        )

    def step(
        self,
        raw: Mapping[str, Any],
        index: int,
        route: Route,
        shell: str | None,
        windows: bool,
        counts: dict[str, int],
        via_path: str,
        depth: int,
        via: str | None = None,
        workdir: str | None = "",
        checkout: str | None = "",
    ) -> list[Step]:
        uses = raw.get("uses") if isinstance(raw.get("uses"), str) else None
        run = raw.get("run") if isinstance(raw.get("run"), str) else None
        choices = expr.literal_choices(run) if run is not None and "${{" in run else None
        if choices is not None:
            # `run: ${{ cond && 'make test-race' || 'make test' }}` runs one of the literals: the
            # step is read as running them, one per line.
            run = "\n".join(choices)
        name = raw.get("name") if isinstance(raw.get("name"), str) else None
        raw_inputs, raw_env = raw.get("with"), raw.get("env")
        inputs: Mapping[str, Any] = raw_inputs if isinstance(raw_inputs, dict) else {}
        env: Mapping[str, Any] = raw_env if isinstance(raw_env, dict) else {}
        classes: frozenset[str] = frozenset()
        uses_name = ref = None
        ref_kind: RefKind | None = None
        wrapped = None
        if uses:
            uses_name, ref, ref_kind = split_uses(uses)
            classes = cls.classify_action(uses_name, self.patterns)
            if uses_name.lower() in RETRY_ACTIONS and isinstance(inputs.get("command"), str):
                wrapped = inputs["command"]
                classes |= cls.classify_script(wrapped, self.patterns)[0]
        step_shell = raw.get("shell") if isinstance(raw.get("shell"), str) else shell
        if "working-directory" in raw:
            workdir = _workdir(raw.get("working-directory"))
        workdir = _in_checkout(workdir, checkout)
        test_goals: tuple[str, ...] = ()
        unread_goals: tuple[str, ...] = ()
        if run is not None:
            run_classes, _ = cls.classify_script(run, self.patterns)
            classes |= run_classes
            if cls.TEST not in classes:
                test_goals = self.test_goals(run, workdir or "")
                classes |= {cls.TEST} if test_goals else frozenset()
                unread_goals = () if test_goals else self.test_goals(run, workdir or "", unread=True)
        key = _step_key(raw, uses_name, name, run, counts)
        if via:
            key = f"{via}:{key}"
        step = Step(
            key=key,
            index=index,
            route=route,
            name=name,
            uses=uses_name,
            ref=ref,
            ref_kind=ref_kind,
            run=run,
            shell=effective_shell(step_shell, windows) if run is not None else None,
            inputs=inputs,
            env=env,
            continue_on_error=_flag(raw.get("continue-on-error")),
            condition=_text(raw["if"]) if "if" in raw else None,
            classes=classes,
            via=via,
            wrapped=wrapped,
            test_goals=test_goals,
            unread_goals=unread_goals,
            workdir=workdir if run is not None else "",
        )
        out = [step]
        if uses_name and ref_kind is RefKind.LOCAL and depth < MAX_NESTING:
            inner = self.local_action_steps(uses_name, route, windows, counts, depth + 1, key)
            if inner:
                merged = cls.union(s.classes for s in inner)
                out = [_replace_classes(step, step.classes | merged), *inner]
        return out

    def test_goals(self, run: str, cwd: str, unread: bool = False) -> tuple[str, ...]:
        """make goals of ``run`` (started in ``cwd``, each command where `cd` took it) whose recipes
        in this snapshot's Makefile run tests; with ``unread``, those whose recipes cannot be
        followed to the end instead."""
        if "make" not in run and "MAKE" not in run:
            return ()
        goals = self.make_goals.unread_goals if unread else self.make_goals.testing_goals
        out: list[str] = []
        for where, argv in walk(run, cwd):
            if where is not None:  # a folder computed at run time: its Makefile is unknown
                out.extend(goals(argv, where))
        return tuple(out)

    def _read(self, path: str) -> str | None:
        try:
            return self.ctx.text(path) if self.ctx.exists(path) else None
        except (KeyError, ValueError, OSError):
            return None

    def local_action_steps(
        self, uses: str, route: Route, windows: bool, counts: dict[str, int], depth: int, via: str
    ) -> list[Step]:
        folder = uses[2:].strip("/") if uses.startswith(("./", "$/")) else uses
        for fname in ("action.yml", "action.yaml"):
            path = f"{folder}/{fname}" if folder else fname
            if not self.ctx.exists(path):
                continue
            self.result.files.append(path)
            try:
                doc = self.ctx.yaml(path).documents[0]
            except (LoadError, IndexError):
                self.result.notices.append(Notice(NoticeKind.UNRESOLVED, f"local action {uses} cannot be read", path))
                return []
            runs = doc.get("runs") if isinstance(doc, dict) else None
            steps = runs.get("steps") if isinstance(runs, dict) else None
            if not isinstance(steps, list):
                return []  # a JavaScript or Docker action: opaque
            out: list[Step] = []
            for i, _sub, raw in _flat_steps(steps):
                out.extend(self.step(raw, i, route, None, windows, counts, path, depth, via=f"{path}#{i}"))
            return out
        if not uses.startswith("./.github/workflows"):
            self.result.notices.append(Notice(NoticeKind.UNRESOLVED, f"local action {uses} not found in this tree"))
        return []

    def callee_jobs(self, name: str, ref_kind: RefKind | None, depth: int) -> tuple[Job, ...] | None:
        """The jobs of the local reusable workflow ``name`` called at nesting ``depth``, read as any
        workflow's jobs are (their own local callees in turn, one level deeper), or None when it is
        remote (opaque), missing, unreadable, has no jobs, or lies past GitHub's nesting limit (which
        also ends a cycle of calls, a chain GitHub rejects)."""
        if ref_kind is not RefKind.LOCAL or depth >= MAX_NESTING:
            return None
        path = name[2:] if name.startswith(("./", "$/")) else name
        key = (path, depth)
        if key not in self.callees:
            self.callees[key] = self._read_callee(name, path, depth)
        return self.callees[key]

    def _read_callee(self, name: str, path: str, depth: int) -> tuple[Job, ...] | None:
        if not self.ctx.exists(path):
            self.result.notices.append(
                Notice(NoticeKind.UNRESOLVED, f"reusable workflow {name} not found in this tree")
            )
            return None
        self.result.files.append(path)
        try:
            doc = self.ctx.yaml(path).documents[0]
        except (LoadError, IndexError):
            return None
        jobs = doc.get("jobs") if isinstance(doc, dict) else None
        if not isinstance(jobs, dict):
            return None
        out: list[Job] = []
        for job_id, body in jobs.items():
            if not isinstance(body, dict):
                continue
            out.append(
                self.job(
                    path,
                    str(job_id),
                    body,
                    ("jobs", job_id),
                    _default_shell(doc),
                    {},
                    _default_workdir(doc, ""),
                    depth + 1,
                    doc.get("env"),
                )
            )
        return tuple(out) or None

    def callee_permissions(self, name: str, ref_kind: RefKind | None) -> tuple[Any, ...] | None:
        """The ``permissions`` blocks the jobs of a local reusable workflow run with (each job's
        own, else the workflow's), or None when one of them sets none and so keeps the caller's
        token as it is, or the workflow cannot be read (remote ones are opaque). GitHub docs
        "Reusing workflows": the GITHUB_TOKEN permissions passed from the caller can only be
        downgraded, not elevated, by the called workflow: these blocks cap what the caller hands on."""
        if ref_kind is not RefKind.LOCAL:
            return None
        path = name[2:] if name.startswith(("./", "$/")) else name
        if not self.ctx.exists(path):
            return None
        try:
            doc = self.ctx.yaml(path).documents[0]
        except (LoadError, IndexError):
            return None
        jobs = doc.get("jobs") if isinstance(doc, dict) else None
        if not isinstance(jobs, dict) or not jobs:
            return None
        top = doc.get("permissions")
        out: list[Any] = []
        for body in jobs.values():
            own = body.get("permissions") if isinstance(body, dict) else None
            block = own if own is not None else top
            if block is None:
                return None
            out.append(block)
        return tuple(out)

    def callers(self, target: str) -> tuple[tuple[ModelObject, Route], ...]:
        """Jobs and steps of this side's workflows that call ``target`` (a local action folder or
        reusable workflow, as ``./path``): the related locations of a weakening inside a callee."""
        out: list[tuple[ModelObject, Route]] = []
        for path, doc, routes in _callers_of(self.ctx, target.rstrip("/")):
            holder = ModelObject(
                FAMILY,
                "caller",
                (PLATFORM, path),
                doc,
                Origin(KIND, path, YamlSourceMap(path, doc, 1)),
                f"workflow {path}",
            )
            out.extend((holder, r) for r in routes)
        return tuple(out)

    # -- composite actions --------------------------------------------------------------------
    def composite(self, path: str, doc: Mapping[str, Any]) -> None:
        runs = doc.get("runs")
        if not isinstance(runs, dict) or not isinstance(runs.get("steps"), list):
            return
        smap = YamlSourceMap(path, doc, 1)
        counts: dict[str, int] = {}
        steps: list[Step] = []
        for i, sub, raw in _flat_steps(runs["steps"]):
            steps.extend(self.step(raw, i, ("runs", "steps", *sub), None, False, counts, path, 1))
        name = doc.get("name") if isinstance(doc.get("name"), str) else None
        job = Job(
            platform=PLATFORM,
            pipeline=path,
            id=COMPOSITE_ID,
            route=(),
            name=name,
            steps=tuple(steps),
            classes=cls.union(s.classes for s in steps),
            extra={"inputs": doc.get("inputs"), "callers": self.callers("./" + path.rpartition("/")[0])},
        )
        self.result.objects.append(
            ModelObject(
                FAMILY,
                "job",
                (PLATFORM, path, COMPOSITE_ID),
                doc,
                Origin(KIND, path, smap),
                f"composite action {path}",
                job,
                name_hint=name or "",
            )
        )


class _Sub:
    """A source map for a sub-tree: routes are relative to ``prefix`` inside the file's map."""

    __slots__ = ("inner", "prefix")

    def __init__(self, inner: YamlSourceMap, prefix: Route) -> None:
        self.inner = inner
        self.prefix = prefix

    def locate(self, route: Route) -> tuple[str, int | None]:
        return self.inner.locate((*self.prefix, *route))


def _target_of(uses: Any) -> str | None:
    """What a ``uses:`` names, as ``./path`` for a local action or workflow (``$/`` spelled ``./``)."""
    if not isinstance(uses, str):
        return None
    name = uses.split("@", 1)[0].strip().rstrip("/")
    if name.startswith("$/"):
        name = "./" + name[2:]
    return name


def _workflow_bytes(ctx: LoadContext) -> list[tuple[str, bytes]]:
    """Every workflow file of the snapshot, unparsed (read once per snapshot, many at a time)."""
    memo = snapshot_memo(ctx.snapshot)
    found: list[tuple[str, bytes]] | None = memo.get("github.workflow-bytes")
    if found is not None:
        return found
    paths = [p for p in sorted(ctx.snapshot.files_in(".github/workflows")) if is_workflow(p)]
    prefetch = getattr(ctx.snapshot, "prefetch", None)
    if prefetch is not None:
        prefetch(paths, ctx.max_file_bytes)
    found = []
    for path in paths:
        try:
            found.append((path, ctx.read(path)))
        except (LoadError, KeyError):
            continue
    memo["github.workflow-bytes"] = found
    return found


def _callers_of(ctx: LoadContext, target: str) -> list[tuple[str, Any, list[Route]]]:
    """The workflows of the snapshot whose jobs or steps call ``target`` (``./path``), with the
    routes of those ``uses:``, paths in order. Only workflows whose text names the target's path
    are parsed: a change of one composite action in a repository of a thousand workflows parses
    the few that use it, not all of them. Kept per snapshot and target."""
    memo: dict[str, list[tuple[str, Any, list[Route]]]] = snapshot_memo(ctx.snapshot).setdefault("github.callers", {})
    found = memo.get(target)
    if found is not None:
        return found
    # However ``uses:`` spells a local target (``./x``, ``$/x``, ``./x/``, quoted), the text holds ``x``.
    needle = target.removeprefix("./").encode("utf-8", "surrogateescape")
    found = []
    for path, data in _workflow_bytes(ctx):
        if needle not in data:
            continue
        try:
            doc = ctx.yaml(path).documents[0]
        except (LoadError, IndexError, KeyError):
            continue
        jobs = doc.get("jobs") if isinstance(doc, dict) else None
        if not isinstance(jobs, dict):
            continue
        routes: list[Route] = []
        for job_id, body in jobs.items():
            if not isinstance(body, dict):
                continue
            if _target_of(body.get("uses")) == target:
                routes.append(("jobs", job_id, "uses"))
            for _i, sub, raw in _flat_steps(body.get("steps")):
                if _target_of(raw.get("uses")) == target:
                    routes.append(("jobs", job_id, "steps", *sub, "uses"))
        if routes:
            found.append((path, doc, routes))
    memo[target] = found
    return found


def caller_events(ctx: LoadContext, path: str) -> frozenset[str]:
    """The events on which the in-repository callers of the reusable workflow ``path`` run it:
    for each job of this snapshot's workflows whose ``uses:`` names it, the caller workflow's
    triggers (with, when that workflow is reusable too, its own callers' events, transitively)
    that the caller job's ``if:`` does not provably exclude. GitHub docs "Reusing workflows": the
    ``github`` context of a called workflow is the caller's, so ``github.event_name`` inside it is
    the event that started the caller. Empty when nothing in the snapshot calls it (it may be
    called from another repository: unknown). Kept per snapshot."""
    memo: dict[str, frozenset[str]] = snapshot_memo(ctx.snapshot).setdefault("github.caller-events", {})
    return _caller_events(ctx, path, memo, frozenset())


def _caller_events(
    ctx: LoadContext, path: str, memo: dict[str, frozenset[str]], seen: frozenset[str]
) -> frozenset[str]:
    found = memo.get(path)
    if found is not None:
        return found
    if path in seen or len(seen) >= MAX_NESTING:
        return frozenset()  # a cycle (GitHub rejects it) or past GitHub's nesting limit
    out: set[str] = set()
    for caller, doc, routes in _callers_of(ctx, f"./{path}"):
        on = doc["on"] if "on" in doc else {**doc}.get(True)
        triggers = parse_triggers(on)
        if "workflow_call" in triggers:
            triggers = with_caller_events(triggers, _caller_events(ctx, caller, memo, seen | {path}))
        jobs = doc.get("jobs")
        for route in routes:
            if len(route) != 3 or route[2] != "uses" or not isinstance(jobs, dict):
                continue  # a step's ``uses:`` names an action, not a workflow
            body = jobs.get(route[1])
            condition = body.get("if") if isinstance(body, dict) else None
            out |= job_events(triggers, _text(condition) if condition is not None else None) or frozenset()
    found = frozenset(out)
    if not seen:
        memo[path] = found  # only complete answers are kept: one cut short by a cycle is partial
    return found


def with_caller_events(triggers: Mapping[str, Trigger], called_on: frozenset[str]) -> dict[str, Trigger]:
    """A reusable workflow's triggers with the events its callers run on added (without filters:
    the callers' filters already decided whether they run). ``workflow_call`` stays: another
    repository may call it too."""
    out = dict(triggers)
    for event in sorted(called_on):
        out.setdefault(event, Trigger(event))
    return out


def _flat_steps(steps: Any) -> list[tuple[int, Route, Mapping[str, Any]]]:
    """Steps in order as (ordinal, route below ``steps``, body); the steps of a ``parallel:``
    group (a newer step syntax, see zizmor's ``parallel-steps-*`` samples) are taken in place."""
    out: list[tuple[int, Route, Mapping[str, Any]]] = []
    if not isinstance(steps, list):
        return out
    for i, raw in enumerate(steps):
        if isinstance(raw, dict) and isinstance(raw.get("parallel"), list) and "run" not in raw and "uses" not in raw:
            for j, inner in enumerate(raw["parallel"]):
                if isinstance(inner, dict):
                    out.append((len(out), (i, "parallel", j), inner))
        elif isinstance(raw, dict):
            out.append((len(out), (i,), raw))
    return out


def job_events(triggers: Mapping[str, Trigger], condition: str | None) -> frozenset[str] | None:
    """The events a job can run on: the workflow's triggers whose run the job's ``if:`` does not
    provably exclude (a three-valued evaluation with ``github.event_name`` set per event)."""
    if not triggers:
        return None
    if condition is not None and not isinstance(condition, (str, bool, int, float)):
        return _job_events.__wrapped__(tuple(triggers), condition)  # unhashable: not kept
    return _job_events(tuple(triggers), condition)


@functools.lru_cache(maxsize=1024)
def _job_events(events: tuple[str, ...], condition: Any) -> frozenset[str]:
    # Kept: the same ``if:`` over the same triggers recurs across a repository's workflows, and
    # each answer parses and evaluates the condition once per trigger.
    return frozenset(
        event for event in events if expr.condition_truth(condition, expr.Env(expr.event_contexts(event))) is not False
    )


def _prepares(step: Step) -> bool:
    """A step that only prepares the runner (checks out the code, installs a toolchain, restores a
    cache): a job of nothing else runs no tests, whatever its name says."""
    if step.run is not None or not step.uses:
        return False
    owner, _, repo = step.uses.lower().partition("/")
    repo = repo.split("/", 1)[0]
    return (owner == "actions" and repo in ("checkout", "cache")) or repo.startswith("setup-")


#: An action that posts a message (chat, mail): named so by its repository.
_MESSAGING = re.compile(
    r"(?:^|[-_])(?:notify|notifier|notification|notifications|slack|discord|telegram|irc|mattermost|gitter|teams|mail)(?:[-_]|$)"
)


#: A command whose program is an environment variable: ``$BUILD_CMD test``, ``"${PYTHON}" -m pytest``.
_PROGRAM_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def _env_programs(step: Step, wf_env: Any, job_env: Any, patterns: cls.Patterns) -> Step:
    """A step whose program is an environment variable the workflow, job or step sets to a literal
    (``env: {BUILD_CMD: cargo}`` and ``run: $BUILD_CMD test``) runs that program: its classes are
    read with the value put in. The innermost ``env`` wins, as GitHub documents ("Workflow syntax",
    ``env``); a value with an expression, or a variable no ``env`` sets, stays unknown. A later
    step may change the variable through ``$GITHUB_ENV``; the literal is what the workflow names."""
    if step.run is None or cls.TEST in step.classes or "$" not in step.run:
        return step
    env: dict[str, str] = {}
    for layer in (wf_env, job_env, step.env):
        if isinstance(layer, Mapping):
            env.update({str(k): str(v) for k, v in layer.items() if isinstance(v, (str, int, float))})
    found: set[str] = set()
    for _cwd, argv in walk(step.run):
        m = _PROGRAM_VARIABLE.match(argv[0]) if argv else None
        value = env.get(m.group(1) or m.group(2), "") if m else ""
        if not value or "${{" in value or "$" in value:
            continue
        try:
            program = shlex.split(value)
        except ValueError:
            continue
        found |= cls.classify_command((*program, *argv[1:]), patterns)
    return _replace_classes(step, step.classes | found) if found - step.classes else step


def _lint_envs(step: Step, job_env: Any, matrix: Matrix | None, patterns: cls.Patterns) -> Step:
    """A step whose tests are tox environments or nox sessions named after linters (``tox -e
    flake8``; ``TOXENV: ${{ matrix.env }}`` over ``[flake8, mypy, black]``) lints: its classes
    say so. A matrix value is read for every combination; a dynamic matrix stays a test."""
    if step.run is None or cls.TEST not in step.classes or step.test_goals or step.wrapped is not None:
        return step
    env = {str(k): str(v) for k, v in (job_env if isinstance(job_env, Mapping) else {}).items()}
    env.update({str(k): str(v) for k, v in step.env.items()})
    texts = [step.run, *env.values()]
    if any(MATRIX_REF.search(t) for t in texts):
        if matrix is None or matrix.dynamic or not matrix.combos:
            return step
        rows = tox_envs.expansions(texts, sorted(matrix.combos))
        if rows is None:
            return step
        lint = all(tox_envs.lints_only(row[0], dict(zip(env, row[1:], strict=True)), patterns) for row in rows)
    else:
        lint = tox_envs.lints_only(step.run, env, patterns)
    return _replace_classes(step, (step.classes - {cls.TEST}) | {cls.LINT}) if lint else step


#: A word of a job's name that says test or lint alike: `Check black`, `check_format`.
_AMBIGUOUS_TEST_WORDS = frozenset({"check"})


def _lint_check(words: set[str], classes: frozenset[str]) -> bool:
    """A job whose name (``words``: its id's and display name's) says test only by an ambiguous
    word (``check``) and whose steps lint and test nothing is a lint check, not a test job."""
    said = words & set(cls.TEST_JOB_WORDS)
    lints = cls.LINT in classes and not classes & {cls.TEST, cls.SECURITY}
    return bool(said) and said <= _AMBIGUOUS_TEST_WORDS and lints


def _notifies(step: Step) -> bool:
    """A step that only sends a message: a job of nothing else (an IRC notice named ``test``)
    runs no tests, whatever its name says."""
    if cls.NOTIFY in step.classes:
        return True
    if step.run is not None or not step.uses:
        return False
    repo = step.uses.lower().partition("/")[2].split("/", 1)[0]
    return bool(_MESSAGING.search(repo))


#: Shell built-ins that print a message or set an exit status, and the conditionals around them.
_OUTCOME_WORDS = frozenset(
    {"echo", "printf", "exit", "true", "false", ":", "[", "[[", "test", "if", "then", "else", "elif", "fi"}
)


def _states_outcome(step: Step) -> bool:
    """A step that only prints a message and sets an exit status (``echo "a job failed" && exit
    1``, usually under an ``if:`` reading ``needs.*.result``): a job of nothing else aggregates
    other jobs' results and runs no tests itself, whatever its name says (``All tests passed``)."""
    if step.run is None or step.uses:
        return False
    words = [argv[0] for _cwd, argv in walk(step.run) if argv]
    return bool(words) and all(w in _OUTCOME_WORDS for w in words)


def _without(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != key}


def _flag(value: Any) -> Any:
    """continue-on-error: a bool, or the expression text when it is one."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = _text(value).strip()
    low = text.lower()
    if low in ("true", "${{ true }}"):
        return True
    if low in ("false", "${{ false }}", ""):
        return False
    return text


def _step_key(
    raw: Mapping[str, Any], uses: str | None, name: str | None, run: str | None, counts: dict[str, int]
) -> str:
    if isinstance(raw.get("id"), str):
        return f"id:{raw['id']}"
    if uses:
        base = f"uses:{uses}"
    elif name:
        base = f"name:{name}"
    else:
        norm = " ".join((run or "").split())
        base = "run:" + hashlib.sha256(norm.encode()).hexdigest()[:12]
    n = counts.get(base, 0)
    counts[base] = n + 1
    return base if n == 0 else f"{base}#{n + 1}"


def _replace_classes(step: Step, classes: frozenset[str]) -> Step:
    return replace(step, classes=classes)


def parse_triggers(on: Any) -> dict[str, Trigger]:
    if isinstance(on, str):
        return {on: Trigger(on)}
    if isinstance(on, list):
        return {str(e): Trigger(str(e)) for e in on}
    if isinstance(on, dict):
        out: dict[str, Trigger] = {}
        for event, filters in on.items():
            out[str(event)] = Trigger(str(event), filters if isinstance(filters, dict) else {})
        return out
    return {}


def _default_workdir(body: Mapping[str, Any], inherited: str | None) -> str | None:
    """The folder ``run`` steps start in by ``defaults.run.working-directory`` of a workflow or job
    (a job's own default replaces the workflow's), else ``inherited``."""
    defaults = body.get("defaults")
    run = defaults.get("run") if isinstance(defaults, dict) else None
    if not isinstance(run, dict) or "working-directory" not in run:
        return inherited
    return _workdir(run.get("working-directory"))


_WORKSPACE = re.compile(r"^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?)(?:/|$)")


def _checkout_path(steps: Any) -> str | None:
    """Where the job's checkout of its own repository is, as a folder of the workspace ("" for the
    workspace itself, None when computed at run time): actions/checkout's ``path`` input,
    "Relative path under $GITHUB_WORKSPACE to place the repository" (its action.yml). A
    checkout of another repository (``repository:``) is not this one's."""
    for _i, _sub, raw in _flat_steps(steps):
        uses = raw.get("uses")
        if not isinstance(uses, str) or split_uses(uses)[0].lower() != "actions/checkout":
            continue
        given = raw.get("with")
        inputs: Mapping[str, Any] = given if isinstance(given, dict) else {}
        if inputs.get("repository") not in (None, "${{ github.repository }}"):
            continue
        return _workdir(inputs["path"]) if "path" in inputs else ""
    return ""


def _in_checkout(workdir: str | None, checkout: str | None) -> str | None:
    """A workspace folder as a folder of the repository checked out at ``checkout``; None when it
    is unknown or outside the checkout."""
    if workdir is None or checkout is None:
        return None
    if workdir == checkout:
        return ""
    if not checkout:
        return workdir
    prefix = checkout + "/"
    return workdir[len(prefix) :] if workdir.startswith(prefix) else None


def _workdir(value: Any) -> str | None:
    """A ``working-directory`` as a folder of the checkout ("" for its root), or None when it
    cannot be known here. The value is relative to ``$GITHUB_WORKSPACE``, where actions/checkout
    puts the repository ("Workflow syntax", ``jobs.<job_id>.steps[*].working-directory``), so
    ``${{ github.workspace }}/x`` is ``x``; anything else computed at run time, absolute or outside
    the checkout is unknown."""
    if not isinstance(value, str):
        return None
    text = _WORKSPACE.sub("", value.strip().replace("\\", "/"))
    if "$" in text or text.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", text):
        return None
    folder = posixpath.normpath(text or ".")
    if folder == ".." or folder.startswith("../"):
        return None
    return "" if folder == "." else folder


def _default_shell(body: Mapping[str, Any]) -> str | None:
    defaults = body.get("defaults")
    run = defaults.get("run") if isinstance(defaults, dict) else None
    shell = run.get("shell") if isinstance(run, dict) else None
    return shell if isinstance(shell, str) else None


#: GitHub's documented shell templates ("Workflow syntax", jobs.<id>.steps[*].shell).
SHELL_TEMPLATES = {
    None: "bash -e {0}",
    "bash": "bash --noprofile --norc -eo pipefail {0}",
    "sh": "sh -e {0}",
    "pwsh": "pwsh -command . '{0}'",
    "powershell": "powershell -command . '{0}'",
    "cmd": '%ComSpec% /D /E:ON /V:OFF /S /C "CALL "{0}""',
    "python": "python {0}",
}


def effective_shell(shell: str | None, windows: bool) -> str:
    if shell is None and windows:
        return SHELL_TEMPLATES["pwsh"]
    return SHELL_TEMPLATES.get(shell, shell or SHELL_TEMPLATES[None])


def _matrix_pairs(axis: str, value: Any) -> tuple[tuple[str, str], ...]:
    """A matrix value as (axis, text) pairs: a mapping's fields become axes of their own,
    ``axis.field``, as the workflow reads them (``${{ matrix.config.os }}``), so the same values
    regrouped into mappings (``go: [..], os: [..]`` → ``config: [{go: .., os: ..}]``) compare field
    by field rather than as one text."""
    if isinstance(value, dict) and value:
        return tuple(p for k, v in value.items() for p in _matrix_pairs(f"{axis}.{k}", v))
    return ((axis, _text(value)),)


def parse_matrix(strategy: Any) -> Matrix | None:
    if not isinstance(strategy, dict) or "matrix" not in strategy:
        return None
    matrix = strategy["matrix"]
    if isinstance(matrix, str):
        return Matrix(dynamic=True)
    if not isinstance(matrix, dict):
        return None
    axes: list[list[tuple[tuple[str, str], ...]]] = []
    for axis, values in matrix.items():
        if axis in ("include", "exclude"):
            continue
        if isinstance(values, str):
            return Matrix(dynamic=True)
        if isinstance(values, list):
            axes.append([_matrix_pairs(str(axis), v) for v in values])
    originals: list[dict[str, str]] = []
    if axes:
        seen: set[tuple[tuple[str, str], ...]] = set()
        for chosen in itertools.product(*axes):
            combo = tuple(sorted(p for pairs in chosen for p in pairs))
            if combo not in seen:
                seen.add(combo)
                originals.append(dict(combo))
    exclude = matrix.get("exclude")
    if isinstance(exclude, list):
        for ex in exclude:
            if isinstance(ex, dict):
                dropped = {p for k, v in ex.items() for p in _matrix_pairs(str(k), v)}
                originals = [c for c in originals if not dropped <= set(c.items())]
    include = matrix.get("include")
    if isinstance(include, str):
        return Matrix(dynamic=True)
    base_axes = {a for values in axes for value in values for a, _ in value}
    added: list[dict[str, str]] = []
    if isinstance(include, list):
        # GitHub's documented rule ("Expanding or adding matrix configurations"), applied after
        # exclude: an include entry's keys are added to every original combination none of whose
        # original values it would change (a key that is no axis of the matrix goes into them all,
        # and may replace what an earlier include added); an entry that fits none of them is a
        # combination of its own.
        for inc in include:
            if not isinstance(inc, dict):
                continue
            entry = dict(p for k, v in inc.items() for p in _matrix_pairs(str(k), v))
            fits = [c for c in originals if all(c.get(a) == v for a, v in entry.items() if a in base_axes)]
            for c in fits:
                c.update(entry)
            if not fits:
                added.append(entry)
    combos = {tuple(sorted(c.items())) for c in (*originals, *added)}
    return Matrix(frozenset(combos), axes=frozenset(base_axes))


def image_ref(value: Any) -> tuple[str, str | None, RefKind] | None:
    image = value.get("image") if isinstance(value, dict) else value
    if not isinstance(image, str) or not image:
        return None
    return split_image(image)
