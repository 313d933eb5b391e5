"""CircleCI configurations as CI model objects.

Each YAML file directly under ``.circleci/`` is a configuration (``config.yml``, and continuation
configs of a ``setup: true`` pipeline). The effective job set is the union of the jobs the
workflows schedule, after workflow ``when``/``unless`` are evaluated with the pipeline
parameters' defaults (docs "Configuration reference", "Pipeline values and parameters"): a job
still defined under ``jobs:`` but scheduled by no running workflow is not a job of the pipeline.

Objects (family ``ci``, platform ``circleci``):
- ``pipeline`` (key: circleci, file): orbs with their pins, parameters, and the jobs that are
  defined but not scheduled (``Pipeline.extra["unscheduled"]``, with why);
- ``job`` (key: circleci, file, "workflow/job"): one scheduled job invocation — the job's
  definition with local ``commands`` expanded, plus the invocation (``requires``, ``filters``,
  ``context``, ``matrix``). Orb jobs (``node/test``) are opaque: known by name only.

A job that requires an approval job (``type: approval``), directly or through other jobs, is gated
by a person (``Job.manual``; docs "Hold a workflow for a manual approval").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.ci import classify as cls
from regress.kinds.ci.model import FAMILY, Job, Matrix, Pipeline, RefKind, Step
from regress.kinds.circleci import steps as st
from regress.kinds.circleci.filters import branch_reach
from regress.model import ModelObject, Notice, NoticeKind, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "circleci"
PLATFORM = "circleci"
_FILE = re.compile(r"^\.circleci/[^/]+\.ya?ml$")
_PARAM = re.compile(r"<<\s*pipeline\.parameters\.([A-Za-z0-9_-]+)\s*>>")
#: CircleCI orb jobs that run tests (CATALOGUE.md Signals S1, platform markers).
TEST_ORB_JOBS = frozenset({"test", "run-tests", "jest", "pytest"})


class CircleCIHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if _FILE.match(path) else []

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
        if not isinstance(doc, dict) or ("workflows" not in doc and "jobs" not in doc):
            return result
        patterns = getattr(ctx.settings, "patterns", None) or cls.DEFAULT_PATTERNS
        _Builder(path, doc, patterns, result).build()
        return result


class _Builder:
    def __init__(self, path: str, doc: Mapping[str, Any], patterns: cls.Patterns, result: LoadResult) -> None:
        self.path = path
        self.doc = doc
        self.patterns = patterns
        self.result = result
        self.smap = YamlSourceMap(path, doc, 1)
        defs = doc.get("jobs")
        self.defs: Mapping[str, Any] = defs if isinstance(defs, dict) else {}
        commands = doc.get("commands")
        self.commands: Mapping[str, Any] = commands if isinstance(commands, dict) else {}
        orbs = doc.get("orbs")
        self.orbs: Mapping[str, Any] = orbs if isinstance(orbs, dict) else {}
        self.params = pipeline_parameters(doc.get("parameters"))

    def build(self) -> None:
        workflows = self.doc.get("workflows")
        scheduled: set[str] = set()
        unscheduled: dict[str, str] = {}
        if isinstance(workflows, dict):
            for wf_name, wf in workflows.items():
                if not isinstance(wf, dict) or wf_name == "version":
                    continue
                off = self.switched_off(wf)
                names = invoked(wf)
                if off:
                    for name in names:
                        unscheduled.setdefault(name, f"workflow {wf_name!r} no longer runs: {off}")
                    continue
                scheduled.update(names)
                self.workflow(str(wf_name), wf)
        for name in self.defs:
            if name not in scheduled:
                unscheduled.setdefault(str(name), "no workflow schedules it")
        self.pipeline(unscheduled)

    def switched_off(self, wf: Mapping[str, Any]) -> str | None:
        """Why a workflow does not run with the parameters' defaults, or None (it runs or may)."""
        for key, want in (("when", True), ("unless", False)):
            if key not in wf:
                continue
            value = evaluate_logic(wf[key], self.params)
            if value is None:
                continue
            if value != want:
                return f"{key}: {_shown(wf[key])} is {str(value).lower()} with the parameters' defaults"
        return None

    def pipeline(self, unscheduled: dict[str, str]) -> None:
        orbs = {}
        for alias, ref in self.orbs.items():
            if isinstance(ref, str):
                name, _, version = ref.partition("@")
                orbs[str(alias)] = (name, version or None, orb_ref_kind(version or None))
            elif isinstance(ref, dict):
                orbs[str(alias)] = (f"(inline orb {alias})", None, RefKind.LOCAL)
        pipeline = Pipeline(
            PLATFORM,
            self.path,
            None,
            {},
            None,
            {"orbs": orbs, "unscheduled": unscheduled, "parameters": dict(self.params), "setup": self.doc.get("setup")},
        )
        body = {k: v for k, v in self.doc.items() if k not in ("jobs", "workflows", "commands")}
        self.result.objects.append(
            ModelObject(
                FAMILY,
                "pipeline",
                (PLATFORM, self.path),
                body,
                Origin(KIND, self.path, self.smap),
                f"configuration {self.path}",
                pipeline,
            )
        )
        if self.doc.get("setup") is True:
            self.result.notices.append(
                Notice(
                    NoticeKind.DEGRADED,
                    "setup: true: the continuation configuration chosen at run time is "
                    "analysed only if it is a file under .circleci/",
                    self.path,
                    1,
                )
            )

    def workflow(self, wf_name: str, wf: Mapping[str, Any]) -> None:
        entries = wf.get("jobs")
        if not isinstance(entries, list):
            return
        scheduled_only = _scheduled_only(wf)
        approvals: set[str] = set()
        invocations: list[tuple[int, str, str, Mapping[str, Any]]] = []
        for i, entry in enumerate(entries):
            job_name, params = _entry(entry)
            if job_name is None:
                continue
            alias = str(params.get("name") or job_name)
            if params.get("type") == "approval":
                approvals.add(alias)
                continue
            invocations.append((i, job_name, alias, params))
        requires = {alias: _names(params.get("requires")) for _, _, alias, params in invocations}
        for i, job_name, alias, params in invocations:
            gate = _gated_by(alias, requires, approvals)
            route: tuple[Any, ...] = ("workflows", wf_name, "jobs", i)
            if isinstance(entries[i], dict):
                route = (*route, job_name)
            job = self.job(wf_name, job_name, alias, params, requires[alias], gate, route, scheduled_only)
            definition = self.defs.get(job_name)
            # With the expanded steps, a change to a command in ``commands:`` changes the jobs using it.
            body = {
                "invocation": params,
                "definition": definition if isinstance(definition, dict) else job_name,
                "(effective steps)": [
                    {"key": s.key, "run": s.run, "uses": s.uses, "inputs": dict(s.inputs), "shell": s.shell}
                    for s in job.steps
                ],
            }
            self.result.objects.append(
                ModelObject(
                    FAMILY,
                    "job",
                    (PLATFORM, self.path, f"{wf_name}/{alias}"),
                    body,
                    Origin(KIND, self.path, _JobMap(self.smap, route, ("jobs", job_name))),
                    f"{job.label} in {self.path}",
                    job,
                    name_hint=alias,
                )
            )

    def job(
        self,
        wf_name: str,
        job_name: str,
        alias: str,
        params: Mapping[str, Any],
        needs: frozenset[str],
        gate: str | None,
        route: tuple[Any, ...],
        scheduled_only: bool,
    ) -> Job:
        definition = self.defs.get(job_name)
        orb_job = "/" in job_name and not isinstance(definition, dict)
        steps: tuple[Step, ...] = ()
        shell = None
        if isinstance(definition, dict):
            shell = definition.get("shell") if isinstance(definition.get("shell"), str) else None
            args = {**st.parameter_defaults(definition.get("parameters")), **dict(params)}
            steps = st.expand(definition.get("steps"), self.commands, args, shell, self.patterns)
        classes = set(cls.union(s.classes for s in steps if not s.continue_on_error))
        if cls.name_says_test(alias, job_name) and (steps or orb_job):
            classes.add(cls.TEST)
        if orb_job and job_name.rsplit("/", 1)[-1] in TEST_ORB_JOBS:
            classes.add(cls.TEST)
        if cls.name_words(alias, job_name) & cls.DEPLOY_JOB_WORDS:
            classes.add(cls.DEPLOY)
        reach = "none" if scheduled_only else branch_reach(params.get("filters"))
        return Job(
            platform=PLATFORM,
            pipeline=self.path,
            id=f"{wf_name}/{alias}",
            route=route,
            name=None,
            steps=steps,
            needs=needs,
            manual=gate is not None,
            matrix=matrix(params.get("matrix")),
            uses=f"orb:{job_name}" if orb_job else None,
            classes=frozenset(classes),
            # Branch reach is CircleCI's own notion (filters); see the filters rule.
            events=None,
            extra={
                "workflow": wf_name,
                "job": job_name,
                "branches": reach,
                "filters": params.get("filters"),
                # Pipeline parameters resolved with their defaults, as for `when`; a parameter
                # without a default stays `<< … >>` (unknown).
                "context": _with_defaults(params.get("context"), self.params),
                "approval": f"approval job {gate!r}" if gate else None,
                "approval_route": ("workflows", wf_name, "jobs") if gate else (),
                "shell": shell,
            },
        )


class _JobMap:
    """Routes into a job's body: ``invocation…`` resolve in the workflow entry, ``definition…``
    in the ``jobs:`` definition, anything else at the workflow entry."""

    __slots__ = ("definition", "inner", "invocation")

    def __init__(self, inner: YamlSourceMap, invocation: tuple[Any, ...], definition: tuple[Any, ...]) -> None:
        self.inner = inner
        self.invocation = invocation
        self.definition = definition

    def locate(self, route: tuple[Any, ...]) -> tuple[str, int | None]:
        if route[:1] == ("definition",):
            return self.inner.locate((*self.definition, *route[1:]))
        if route[:1] == ("invocation",):
            return self.inner.locate((*self.invocation, *route[1:]))
        return self.inner.locate(self.invocation)


def _entry(entry: Any) -> tuple[str | None, Mapping[str, Any]]:
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, dict) and len(entry) == 1:
        name, params = next(iter(entry.items()))
        return str(name), params if isinstance(params, dict) else {}
    return None, {}


def invoked(wf: Mapping[str, Any]) -> set[str]:
    out = set()
    entries = wf.get("jobs")
    for entry in entries if isinstance(entries, list) else []:
        name, params = _entry(entry)
        if name is not None and params.get("type") != "approval":
            out.add(name)
    return out


def _names(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(str(v) for v in value if isinstance(v, str))
    return frozenset()


def _gated_by(alias: str, requires: Mapping[str, frozenset[str]], approvals: set[str]) -> str | None:
    """The approval job ``alias`` waits for, directly or through the jobs it requires."""
    seen: set[str] = set()
    todo = [alias]
    while todo:
        current = todo.pop()
        for req in sorted(requires.get(current, frozenset())):
            if req in approvals:
                return req
            if req not in seen:
                seen.add(req)
                todo.append(req)
    return None


def _scheduled_only(wf: Mapping[str, Any]) -> bool:
    """A workflow with ``triggers: [schedule: …]`` runs on its schedule only (legacy scheduled
    workflows, docs "Configuration reference: triggers")."""
    triggers = wf.get("triggers")
    return isinstance(triggers, list) and any(isinstance(t, dict) and "schedule" in t for t in triggers)


def matrix(raw: Any) -> Matrix | None:
    import itertools

    params = raw.get("parameters") if isinstance(raw, dict) else None
    if not isinstance(params, dict):
        return None
    axes = [(str(k), [st.text(v) for v in (vals if isinstance(vals, list) else [vals])]) for k, vals in params.items()]
    combos = {
        tuple(sorted(zip([a for a, _ in axes], c, strict=True))) for c in itertools.product(*(v for _, v in axes))
    }
    excluded = raw.get("exclude")
    if isinstance(excluded, list):
        for ex in excluded:
            if isinstance(ex, dict):
                combos.discard(tuple(sorted((str(k), st.text(v)) for k, v in ex.items())))
    return Matrix(frozenset(combos))


def _with_defaults(value: Any, defaults: Mapping[str, Any]) -> Any:
    def sub(text: str) -> str:
        return _PARAM.sub(lambda m: st.text(defaults[m.group(1)]) if m.group(1) in defaults else m.group(0), text)

    if isinstance(value, str):
        return sub(value)
    if isinstance(value, list):
        return [sub(v) if isinstance(v, str) else v for v in value]
    return value


def pipeline_parameters(raw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(raw, dict):
        for name, spec in raw.items():
            if isinstance(spec, dict) and "default" in spec:
                out[str(name)] = spec["default"]
    return out


def evaluate_logic(value: Any, params: Mapping[str, Any]) -> bool | None:
    """CircleCI logic statements (docs "Logic statements"): literals, ``<< pipeline.parameters.x >>``,
    ``and``/``or``/``not``/``equal``/``matches``. None when a value is not known offline."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str):
        m = _PARAM.fullmatch(value.strip())
        if m:
            if m.group(1) not in params:
                return None
            return evaluate_logic(params[m.group(1)], params)
        if "<<" in value:
            return None
        return value != ""
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, dict) and len(value) == 1:
        op, arg = next(iter(value.items()))
        if op in ("and", "or") and isinstance(arg, list):
            parts = [evaluate_logic(a, params) for a in arg]
            if op == "and":
                return False if False in parts else None if None in parts else True
            return True if True in parts else None if None in parts else False
        if op == "not":
            inner = evaluate_logic(arg, params)
            return None if inner is None else not inner
        if op == "equal" and isinstance(arg, list):
            vals = [_resolve(a, params) for a in arg]
            if any(v is _UNKNOWN for v in vals):
                return None
            return all(st.text(v) == st.text(vals[0]) for v in vals)
    return None


_UNKNOWN = object()


def _resolve(value: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        m = _PARAM.fullmatch(value.strip())
        if m:
            return params.get(m.group(1), _UNKNOWN)
        if "<<" in value:
            return _UNKNOWN
    return value


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def orb_ref_kind(version: str | None) -> RefKind:
    """Orb versions (docs "Orb versioning"): a full ``x.y.z`` is fixed; ``x`` or ``x.y`` follow new
    releases; ``volatile`` is the latest release ("NOT RECOMMENDED" in the orbs FAQ) and
    ``dev:…`` a mutable development version."""
    if version is None:
        return RefKind.NONE
    if re.fullmatch(r"\d+\.\d+\.\d+", version):
        return RefKind.SHA
    if re.fullmatch(r"\d+(\.\d+)?", version):
        return RefKind.TAG
    return RefKind.BRANCH
