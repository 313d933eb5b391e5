"""GitLab CI pipelines as CI model objects.

A unit is ``.gitlab-ci.yml`` — GitLab's entry point — with every file it includes and every local
child pipeline it triggers: a change to any of them re-resolves the whole pipeline on both sides.
Which files belong to it is found from the entry point alone (``units`` follows the includes of
``.gitlab-ci.yml`` in the snapshot, never the rest of the repository).

Objects (family ``ci``, platform ``gitlab``):
- ``pipeline`` (key: gitlab, pipeline file): the top-level settings (stages, variables, workflow,
  default), the include list with pin kinds, and the security templates with their overrides;
- ``job`` (key: gitlab, pipeline file, job name): the effective job after includes, extends,
  ``!reference`` and ``default:``, with when it runs per pipeline kind (``Job.extra["policy"]``).
Hidden jobs (``.name``) are templates, not jobs. A local job named like a job of an included
security template is an override of that job and belongs to the template (see ``templates``).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.ci import classify as cls
from regress.kinds.ci.model import FAMILY, Job, Pipeline, RefKind, Trigger
from regress.kinds.gitlab import includes as inc
from regress.kinds.gitlab import jobs as jb
from regress.kinds.gitlab import policy as pol
from regress.kinds.gitlab import templates as tpl
from regress.kinds.gitlab.contexts import Source
from regress.kinds.gitlab.resolve import Effective, resolve_jobs
from regress.kinds.gitlab.tree import GitLabSourceMap, GList, GMap, tag
from regress.model import ModelObject, Notice, NoticeKind, Origin
from regress.source.base import Snapshot
from regress.yamlload import LoadError, load_text

KIND = "gitlab-ci"
ROOT = ".gitlab-ci.yml"
PLATFORM = jb.PLATFORM
#: GitLab's documented default stages (docs "stages").
DEFAULT_STAGES = (".pre", "build", "test", "deploy", ".post")
#: Parent-child pipelines nest at most this deep (docs "Nested child pipelines": two levels).
MAX_CHILD_DEPTH = 2
#: Files larger than this are not followed while finding a pipeline's files.
MAX_MEMBER_BYTES = 10 * 1024 * 1024


def content_of(docs: list[Any]) -> Any:
    """A file's configuration: the second document when the first is a ``spec:`` header (CI/CD
    inputs, docs "Define input parameters with spec:inputs"), else the first."""
    if len(docs) >= 2 and isinstance(docs[0], dict) and "spec" in docs[0]:
        return docs[1]
    return docs[0] if docs else None


class GitLabHandler:
    kind = KIND
    family = FAMILY

    def __init__(self) -> None:
        # Files of the pipeline per snapshot, computed once per snapshot and dropped with it.
        self._members: weakref.WeakKeyDictionary[Any, frozenset[str]] = weakref.WeakKeyDictionary()

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        if path == ROOT:
            return [Unit(KIND, ROOT)]
        if not path.endswith((".yml", ".yaml")) or snapshot.blob_id(ROOT) is None:
            return []
        try:
            members = self._members.get(snapshot)
        except TypeError:
            members = None
        if members is None:
            members = pipeline_files(snapshot)
            with contextlib.suppress(TypeError):
                self._members[snapshot] = members
        return [Unit(KIND, ROOT)] if path in members else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        if not ctx.exists(unit.root):
            return result
        _Builder(ctx, result).pipeline(unit.root, child=False, depth=0)
        return result


def _snapshot_reader(snapshot: Snapshot) -> inc.Reader:
    def read(path: str) -> Any:
        size = snapshot.size(path)
        if size is not None and size > MAX_MEMBER_BYTES:
            raise inc.ReadFailed("file too large")
        try:
            loaded = load_text(snapshot.read(path).decode("utf-8", "replace"))
        except (LoadError, KeyError) as exc:
            raise inc.ReadFailed(str(exc)) from None
        return tag(content_of(loaded.documents), path)

    return inc.Reader(read, lambda p: snapshot.blob_id(p) is not None, snapshot.walk)


def pipeline_files(snapshot: Snapshot) -> frozenset[str]:
    """Every file the pipeline of ``.gitlab-ci.yml`` reads: includes and local child pipelines."""
    reader = _snapshot_reader(snapshot)
    seen: set[str] = set()
    todo = [(ROOT, 0)]
    while todo:
        path, depth = todo.pop()
        if path in seen:
            continue
        resolved = inc.resolve(reader, path)
        seen.update(resolved.files)
        seen.add(path)
        if depth < MAX_CHILD_DEPTH:
            for child, _line in child_pipelines(resolved.config):
                todo.append((child, depth + 1))
    return frozenset(seen)


def child_pipelines(config: GMap) -> list[tuple[str, int]]:
    """Local files triggered as child pipelines (``trigger: include:``)."""
    out: list[tuple[str, int]] = []
    for key, job in config.items():
        if not isinstance(job, GMap) or not isinstance(job.get("trigger"), GMap):
            continue
        include = job["trigger"].get("include")
        entries = include if isinstance(include, list) else [include]
        for e in entries:
            local = e if isinstance(e, str) else e.get("local") if isinstance(e, Mapping) else None
            if isinstance(local, str) and "$" not in local and "*" not in local:
                out.append((local.strip().lstrip("/"), job.origin("trigger")[1]))
        del key
    return out


@dataclass(frozen=True, slots=True)
class ScanState:
    """One included security scan on one side: is it on, and what does it leave out."""

    key: str
    label: str
    include: str  # the include that brings it (template name or component)
    disabled: bool = False
    excluded_analyzers: frozenset[str] = frozenset()
    excluded_paths: frozenset[str] = frozenset()
    #: Override jobs switched off by their rules.
    jobs_off: frozenset[str] = frozenset()
    #: Override jobs that set allow_failure: false (the templates ship true).
    blocking: frozenset[str] = frozenset()
    #: Route (inside the pipeline body) of what decides each aspect, for locations.
    routes: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


class _Builder:
    def __init__(self, ctx: LoadContext, result: LoadResult) -> None:
        self.ctx = ctx
        self.result = result
        settings = ctx.settings
        self.patterns: cls.Patterns = getattr(settings, "patterns", None) or cls.DEFAULT_PATTERNS
        #: Run tables by policy: jobs stamped from one template share them.
        self.policies: dict[Any, dict[str, list[pol.Outcome]]] = {}

    def reader(self) -> inc.Reader:
        ctx = self.ctx

        def read(path: str) -> Any:
            try:
                loaded = ctx.yaml(path)
            except LoadError as exc:
                raise inc.ReadFailed(exc.message, exc.line) from None
            except KeyError:
                raise inc.ReadFailed("file not found") from None
            for line, key in loaded.duplicates:
                self.result.notices.append(
                    Notice(NoticeKind.INPUT, f"duplicate key {key!r}: the last value is used", path, line)
                )
            return tag(content_of(loaded.documents), path)

        def walk(prefix: str) -> Any:
            return ctx.snapshot.walk(prefix)

        return inc.Reader(read, ctx.exists, walk)

    # -- one pipeline --------------------------------------------------------------------------
    def pipeline(self, path: str, child: bool, depth: int) -> frozenset[str]:
        resolved = inc.resolve(self.reader(), path, _known_include)
        self.result.files.extend(f for f in resolved.files if f not in self.result.files)
        self.result.notices.extend(resolved.notices)
        for epath, message, line in resolved.errors:
            self.result.errors.append(UnitError(epath, message, line))
        if resolved.errors and not resolved.config:
            return frozenset()
        config = resolved.config
        eff = resolve_jobs(config, opaque=bool(resolved.unresolved))
        self.result.notices.extend(eff.notices)
        for epath, message, line in eff.errors:
            self.result.errors.append(UnitError(epath, message, line))
        scans = self.scans(resolved.includes)
        workflow_raw = config.get("workflow")
        workflow_rules = workflow_raw.get("rules") if isinstance(workflow_raw, GMap) else None
        workflow = pol.rule_specs(workflow_rules) if isinstance(workflow_rules, list) else None
        global_vars = variables_of(config.get("variables"))
        stages = stage_list(config.get("stages"))
        overrides: dict[str, GMap] = {}
        built: dict[str, tuple[Job, GMap, str, int]] = {}
        for name, body in eff.jobs.items():
            scan = tpl.scan_of_job(name, set(scans))
            if scan is not None:
                overrides[name] = body
                continue
            job, jpath, jline = self.job(path, name, body, workflow, global_vars, child, eff, depth)
            built[name] = (job, body, jpath, jline)
        # Without needs, a job waits for every job of the earlier stages (docs "stages").
        order = {s: i for i, s in enumerate(stages)}
        for name, (built_job, body, jpath, jline) in built.items():
            job = built_job
            if jb.explicit_needs(body) is None:
                mine = order.get(str(body.get("stage", "test")), order.get("test", 0))
                earlier = frozenset(
                    n for n, (_, b, _, _) in built.items() if order.get(str(b.get("stage", "test")), 0) < mine
                )
                job = replace(job, needs=earlier)
            self.result.objects.append(
                ModelObject(
                    FAMILY,
                    "job",
                    (PLATFORM, path, name),
                    body,
                    Origin(KIND, jpath, GitLabSourceMap(body, (jpath, jline + 1 if jline >= 0 else None)), unit=ROOT),
                    f"{job.label} in {path}",
                    job,
                    name_hint=name,
                )
            )
        self.pipeline_object(path, config, resolved, scans, overrides, workflow, global_vars, stages, child, eff)
        return frozenset(built)

    def pipeline_object(
        self,
        path: str,
        config: GMap,
        resolved: inc.Resolved,
        scans: dict[str, str],
        overrides: dict[str, GMap],
        workflow: tuple[pol.RuleSpec, ...] | None,
        global_vars: dict[str, str],
        stages: tuple[str, ...],
        child: bool,
        eff: Effective,
    ) -> None:
        body = GMap(config.path, config.line)
        for key in (
            "stages",
            "variables",
            "workflow",
            "default",
            "image",
            "services",
            "before_script",
            "after_script",
            "cache",
        ):
            if key in config:
                p, ln = config.origin(key)
                body.put(key, config[key], p, ln)
        includes = GList(path)
        for ref in resolved.includes:
            entry = GMap(ref.path, ref.line)
            entry.put("include", ref.label, ref.path, ref.line)
            entry.put("pin", ref.ref_kind.value, ref.path, ref.line)
            includes.push(entry, ref.path, ref.line)
        if includes:
            body.put("include", includes, path, includes.item_lines[0] if includes.item_lines else -1)
        if overrides:
            over = GMap(path)
            for name, job in overrides.items():
                p, ln = config.origin(name)
                over.put(name, job, p, ln)
            body.put("template_jobs", over, path, -1)
        states = {
            key: self.scan_state(key, include, global_vars, overrides, workflow, child)
            for key, include in scans.items()
        }
        sources = self.pipeline_sources(workflow, global_vars, child)
        pipeline = Pipeline(
            PLATFORM,
            path,
            None,
            {s: Trigger(s) for s in sources},
            None,
            {
                "includes": tuple(resolved.includes),
                "unresolved": tuple(ref.label for ref in resolved.unresolved if _known_include(ref) is None),
                "scans": states,
                "workflow": workflow,
                "variables": global_vars,
                "stages": stages,
                "child": child,
                "hidden": frozenset(eff.hidden),
            },
        )
        self.result.objects.append(
            ModelObject(
                FAMILY,
                "pipeline",
                (PLATFORM, path),
                body,
                Origin(KIND, path, GitLabSourceMap(body, (path, 1)), unit=ROOT),
                f"pipeline {path}",
                pipeline,
            )
        )

    def pipeline_sources(
        self, workflow: tuple[pol.RuleSpec, ...] | None, variables: dict[str, str], child: bool
    ) -> list[str]:
        if workflow is None:
            return [s.value for s in Source]
        probe = pol.RunPolicy(
            rules=None, only=(), workflow=workflow, variables=tuple(sorted(variables.items())), child=child
        )
        return [s.value for s in Source if any(o is not None for _, o in probe.table(s))]

    # -- one job -------------------------------------------------------------------------------
    def job(
        self,
        pipeline: str,
        name: str,
        body: GMap,
        workflow: tuple[pol.RuleSpec, ...] | None,
        global_vars: dict[str, str],
        child: bool,
        eff: Effective,
        depth: int,
    ) -> tuple[Job, str, int]:
        jpath, jline = eff.globals.origin(name) if eff.globals is not None else (pipeline, -1)
        variables = variables_of(body.get("variables"))
        known = {p: self.ctx.exists(p) for p in pol.exists_paths(body, None)}
        policy = pol.build(body, workflow, variables, {p.lstrip("/"): v for p, v in known.items()}, child)
        summary = self.summary(policy)
        job_steps = jb.steps(body, self.patterns)
        classes = set(jb.classes(name, body, job_steps))
        uses = None
        ref_kind = None
        trigger = body.get("trigger")
        if trigger is not None:
            uses, ref_kind, child_classes = self.trigger(trigger, depth)
            classes |= child_classes
        image = jb.image_ref(body)
        job = Job(
            platform=PLATFORM,
            pipeline=pipeline,
            id=name,
            route=(),
            name=None,
            steps=job_steps,
            needs=jb.explicit_needs(body) or frozenset(),
            # when: always runs the job whatever happened before it (docs "when"): the shared
            # "runs despite failures" rule reads it as the condition ``always``.
            condition="always" if jb.always(summary) else None,
            allow_failure=jb.allow_failure_of(policy, summary),
            manual=jb.is_manual(summary),
            environment=jb.environment_name(body),
            matrix=jb.matrix(body),
            timeout=body.get("timeout"),
            runs_on=body.get("tags"),
            uses=uses,
            ref_kind=ref_kind,
            classes=frozenset(classes),
            # Where a GitLab job runs depends on unknowns per pipeline kind; that analysis lives in
            # extra["policy"]/["runs"] (GL003). A flat event set would lose it, so it stays unknown.
            events=None,
            extra={
                "policy": policy,
                "runs": summary,
                "stage": jb.text(body.get("stage", "test")),
                "partial": name in eff.partial,
                "image": image,
                "child": child,
                "strategy": trigger.get("strategy") if isinstance(trigger, Mapping) else None,
                "manual_blocking": jb.manual_blocking(summary),
                "approval": "when: manual" if jb.is_manual(summary) else None,
                "approval_route": ("when",) if "when" in body else ("rules",) if "rules" in body else (),
            },
        )
        return job, jpath, jline

    def summary(self, policy: pol.RunPolicy) -> dict[str, list[pol.Outcome]]:
        key = policy.key
        cached = self.policies.get(key)
        if cached is None:
            cached = jb.run_summary(policy)
            self.policies[key] = cached
        return cached

    def trigger(self, trigger: Any, depth: int) -> tuple[str | None, RefKind | None, frozenset[str]]:
        """What a trigger job starts, and the classes of a local child pipeline's jobs."""
        if isinstance(trigger, str):
            return f"project:{trigger}", RefKind.BRANCH, frozenset()
        if not isinstance(trigger, Mapping):
            return None, None, frozenset()
        if isinstance(trigger.get("project"), str):
            branch = trigger.get("branch")
            return f"project:{trigger['project']}", RefKind.BRANCH if branch is None else RefKind.TAG, frozenset()
        include = trigger.get("include")
        entries = include if isinstance(include, list) else [include]
        local = None
        for e in entries:
            local = e if isinstance(e, str) else e.get("local") if isinstance(e, Mapping) else None
            if isinstance(local, str):
                break
        if not isinstance(local, str) or "$" in local:
            return "child:(dynamic or remote)", None, frozenset()
        path = local.strip().lstrip("/")
        if depth >= MAX_CHILD_DEPTH or not self.ctx.exists(path):
            return f"child:{path}", RefKind.LOCAL, frozenset()
        before = len(self.result.objects)
        self.pipeline(path, child=True, depth=depth + 1)
        classes = cls.union(
            o.facts.classes for o in self.result.objects[before:] if o.type == "job" and isinstance(o.facts, Job)
        )
        return f"child:{path}", RefKind.LOCAL, classes

    # -- security templates --------------------------------------------------------------------
    def scans(self, refs: list[inc.IncludeRef]) -> dict[str, str]:
        out: dict[str, str] = {}
        for ref in refs:
            if ref.kind is inc.IncludeKind.TEMPLATE:
                keys = tpl.template_scans(ref.name)
            elif ref.kind is inc.IncludeKind.COMPONENT:
                keys = tpl.component_scans(ref.name)
            else:
                keys = ()
            for key in keys:
                out.setdefault(key, ref.label)
        return out

    def scan_state(
        self,
        key: str,
        include: str,
        global_vars: dict[str, str],
        overrides: dict[str, GMap],
        workflow: tuple[pol.RuleSpec, ...] | None,
        child: bool,
    ) -> ScanState:
        scan = tpl.SCANS[key]
        routes: dict[str, tuple[Any, ...]] = {}
        for aspect, var in (
            ("disabled", scan.disabled_var),
            ("excluded_analyzers", scan.excluded_analyzers_var),
            ("excluded_paths", scan.excluded_paths_var),
        ):
            if var and var in global_vars:
                routes[aspect] = ("variables", var)
        disabled = tpl.disabled(global_vars.get(scan.disabled_var))
        excluded_analyzers: frozenset[str] = frozenset()
        if scan.excluded_analyzers_var:
            excluded_analyzers = tpl.names(global_vars.get(scan.excluded_analyzers_var))
        excluded_paths: frozenset[str] = frozenset()
        if scan.excluded_paths_var:
            value = global_vars.get(scan.excluded_paths_var, scan.default_excluded_paths)
            excluded_paths = tpl.names(value)
        off: set[str] = set()
        blocking: set[str] = set()
        for name, body in overrides.items():
            if name not in scan.jobs:
                continue
            if "rules" in body or body.get("when") == "never":
                policy = pol.build(body, workflow, variables_of(body.get("variables")), {}, child)
                if not self.summary(policy):
                    off.add(name)
                    routes[f"job:{name}"] = ("template_jobs", name, "rules" if "rules" in body else "when")
            if body.get("allow_failure") is False:
                blocking.add(name)
                routes[f"blocking:{name}"] = ("template_jobs", name, "allow_failure")
        return ScanState(
            key,
            scan.label,
            include,
            disabled,
            excluded_analyzers,
            excluded_paths,
            frozenset(off),
            frozenset(blocking),
            routes,
        )


def _known_include(ref: inc.IncludeRef) -> str | None:
    keys = (
        tpl.template_scans(ref.name)
        if ref.kind is inc.IncludeKind.TEMPLATE
        else tpl.component_scans(ref.name)
        if ref.kind is inc.IncludeKind.COMPONENT
        else ()
    )
    if not keys:
        return None
    labels = ", ".join(tpl.SCANS[k].label for k in keys)
    return f"known by name ({labels}): its switches and job overrides are checked, its jobs are not read"


def variables_of(raw: Any) -> dict[str, str]:
    """YAML variables as text: ``NAME: value`` or ``NAME: {value: …, description: …}``."""
    out: dict[str, str] = {}
    if not isinstance(raw, Mapping):
        return out
    for name, raw_value in raw.items():
        value = raw_value.get("value") if isinstance(raw_value, Mapping) else raw_value
        if isinstance(value, (dict, list)):
            continue
        out[str(name)] = jb.text(value)
    return out


def stage_list(raw: Any) -> tuple[str, ...]:
    """Stages in order; ``.pre`` and ``.post`` are always first and last (docs "stages")."""
    if not isinstance(raw, list) or not raw:
        return DEFAULT_STAGES
    names = [jb.text(s) for s in raw if not isinstance(s, (dict, list)) and jb.text(s) not in (".pre", ".post")]
    return (".pre", *names, ".post")
