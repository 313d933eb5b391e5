"""Azure Pipelines as CI model objects.

A pipeline is a YAML file named ``azure-pipelines*.yml`` at the repository root, or a file
directly in ``.azure-pipelines/`` or ``.azuredevops/`` (the pipeline's file path itself is set in
Azure DevOps, so these are the conventional places). Local templates (``- template: file.yml``
in ``stages``/``jobs``/``steps``, and ``extends: template:``) are read from the same snapshot and
expanded with their parameters' values; a change to a template re-resolves the pipelines that use
it. Templates in other repositories (``file.yml@alias``) cannot be fetched: a notice names them.

Template expressions are not evaluated: ``${{ parameters.x }}`` is replaced by the value passed
or the default, and the branches of ``${{ if … }}``/``${{ each … }}`` are all kept (what may run).
Limits follow Azure's own (docs "Template usage reference": at most 100 template files and 20
levels of nesting).

Objects (family ``ci``, platform ``azure``): ``pipeline`` (triggers, ``pr``, resources, extends)
and ``job`` (key: azure, file, "stage/job") with steps from scripts and tasks. A deployment job's
environment is ``Job.environment`` (approvals and checks hang off it, docs "Define approvals and
checks"); a job that depends on a server job running ``ManualValidation`` is gated by a person.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from regress.kinds.azure import tasks as tk
from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.ci import classify as cls
from regress.kinds.ci.model import FAMILY, Job, Pipeline, RefKind, Step, Trigger
from regress.kinds.ci.refs import ref_kind
from regress.model import ModelObject, Notice, NoticeKind, Origin, Route, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError, YFloat, load_text

KIND = "azure-pipelines"
PLATFORM = "azure"
_ROOT = re.compile(r"^(azure-pipelines[^/]*|\.azure-pipelines|\.azuredevops/[^/]+|\.azure-pipelines/[^/]+)\.ya?ml$")
_PARAM = re.compile(r"\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\}\}")
MAX_TEMPLATES = 100
MAX_DEPTH = 20
#: Shell of a ``script``/``bash`` step on Linux agents: bash without -e — only the last command's
#: exit code decides (docs "Bash@3": failOnStderr false by default; scripts run as a file).
SHELL = "bash {0}"
_SCRIPT_KEYS = ("script", "bash", "pwsh", "powershell")


def is_root(path: str) -> bool:
    return bool(_ROOT.match(path))


def _text(value: Any) -> str:
    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class AzureHandler:
    kind = KIND
    family = FAMILY

    def __init__(self) -> None:
        self._members: weakref.WeakKeyDictionary[Any, dict[str, frozenset[str]]] = weakref.WeakKeyDictionary()

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        if is_root(path):
            return [Unit(KIND, path)]
        if not path.endswith((".yml", ".yaml")):
            return []
        roots = _candidate_roots(snapshot)
        if not roots:
            return []
        members = None
        with contextlib.suppress(TypeError):
            members = self._members.get(snapshot)
        if members is None:
            members = {root: template_files(snapshot, root) for root in roots}
            with contextlib.suppress(TypeError):
                self._members[snapshot] = members
        return [Unit(KIND, root) for root, files in sorted(members.items()) if path in files]

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        if not ctx.exists(unit.root):
            return result
        patterns = getattr(ctx.settings, "patterns", None) or cls.DEFAULT_PATTERNS

        def read(path: str) -> Any:
            loaded = ctx.yaml(path)
            return loaded.documents[0] if loaded.documents else None

        _Builder(unit.root, read, ctx.exists, patterns, result).build()
        return result


def _candidate_roots(snapshot: Snapshot) -> list[str]:
    out = [p for p in snapshot.files_in("") if is_root(p)]
    for folder in (".azure-pipelines", ".azuredevops"):
        if snapshot.is_dir(folder):
            out.extend(p for p in snapshot.files_in(folder) if is_root(p))
    return out


def template_files(snapshot: Snapshot, root: str) -> frozenset[str]:
    """The local template files a pipeline uses, transitively (read without the parse cache)."""

    def read(path: str) -> Any:
        size = snapshot.size(path)
        if size is not None and size > 10 * 1024 * 1024:
            raise LoadError("file too large")
        loaded = load_text(snapshot.read(path).decode("utf-8", "replace"))
        return loaded.documents[0] if loaded.documents else None

    result = LoadResult()
    builder = _Builder(root, read, lambda p: snapshot.blob_id(p) is not None, cls.DEFAULT_PATTERNS, result)
    builder.build()
    return frozenset(builder.read_files)


@dataclass
class _Expanded:
    """An item of a stages/jobs/steps list after template expansion, with where it came from."""

    value: Any
    path: str
    route: Route
    via: str | None = None


@dataclass
class _State:
    templates: int = 0
    notices: list[Notice] = field(default_factory=list)


class _Builder:
    def __init__(self, root: str, read: Any, exists: Any, patterns: cls.Patterns, result: LoadResult) -> None:
        self.root = root
        self.read_doc = read
        self.exists = exists
        self.patterns = patterns
        self.result = result
        self.read_files: list[str] = []
        self.docs: dict[str, Any] = {}
        self.state = _State()
        self.smaps: dict[str, YamlSourceMap] = {}

    # -- files ---------------------------------------------------------------------------------
    def doc(self, path: str) -> Any:
        if path in self.docs:
            return self.docs[path]
        try:
            doc = self.read_doc(path)
        except LoadError as exc:
            if path == self.root:
                self.result.errors.append(UnitError(path, exc.message, exc.line))
            else:
                self.result.errors.append(UnitError(path, f"template cannot be parsed: {exc.message}", exc.line))
            doc = None
        except KeyError:
            doc = None
        self.docs[path] = doc
        if path not in self.read_files:
            self.read_files.append(path)
            self.result.files.append(path)
        self.smaps[path] = YamlSourceMap(path, doc, 1)
        return doc

    def template(self, ref: str, including: str, depth: int) -> tuple[str | None, Any]:
        """(path, document) of a local template, or (None, None) with a notice."""
        ref = ref.strip()
        if "@" in ref and not ref.endswith("@self"):
            self.state.notices.append(
                Notice(NoticeKind.UNRESOLVED, f"template {ref} is in another repository: not analysed", including)
            )
            return None, None
        ref = ref.removesuffix("@self")
        if "$" in ref:
            self.state.notices.append(
                Notice(NoticeKind.UNRESOLVED, f"template path {ref!r} uses an expression: not analysed", including)
            )
            return None, None
        self.state.templates += 1
        if self.state.templates > MAX_TEMPLATES or depth > MAX_DEPTH:
            self.state.notices.append(
                Notice(
                    NoticeKind.LIMIT,
                    f"more than {MAX_TEMPLATES} templates or {MAX_DEPTH} levels: {ref} not read",
                    including,
                )
            )
            return None, None
        folder = including.rpartition("/")[0]
        path = ref.lstrip("/") if ref.startswith("/") else _join(folder, ref)
        if not self.exists(path):
            self.result.errors.append(UnitError(including, f"template {ref} does not exist ({path})"))
            return None, None
        return path, self.doc(path)

    # -- expansion -----------------------------------------------------------------------------
    def items(
        self, raw: Any, kind: str, path: str, route: Route, params: Mapping[str, Any], depth: int, via: str | None
    ) -> Iterator[_Expanded]:
        """Items of a ``stages``/``jobs``/``steps`` list, templates expanded."""
        if not isinstance(raw, list):
            return
        for i, item in enumerate(raw):
            here = (*route, i)
            if not isinstance(item, dict):
                continue
            keys = list(item)
            if len(keys) == 1 and isinstance(keys[0], str) and keys[0].startswith("${{"):
                yield from self.items(item[keys[0]], kind, path, (*here, keys[0]), params, depth, via)
                continue
            if (
                "template" in item
                and isinstance(item["template"], str)
                and len(set(item) - {"template", "parameters"}) == 0
            ):
                tpath, tdoc = self.template(_subst(item["template"], params), path, depth + 1)
                if tpath is None or not isinstance(tdoc, dict):
                    continue
                args = {**template_defaults(tdoc.get("parameters")), **(item.get("parameters") or {})}
                yield from self.items(tdoc.get(kind), kind, tpath, (kind,), args, depth + 1, tpath)
                continue
            yield _Expanded(_subst_all(item, params), path, here, via)

    def build(self) -> None:
        doc = self.doc(self.root)
        if not isinstance(doc, dict):
            if doc is not None:
                self.result.errors.append(UnitError(self.root, "an Azure pipeline must be a mapping", 1))
            return
        body = doc
        path = self.root
        params = template_defaults(doc.get("parameters"))
        extends = doc.get("extends")
        extends_ref = None
        if isinstance(extends, dict) and isinstance(extends.get("template"), str):
            extends_ref = extends["template"]
            tpath, tdoc = self.template(extends_ref, self.root, 1)
            if tpath is not None and isinstance(tdoc, dict):
                body, path = tdoc, tpath
                params = {**template_defaults(tdoc.get("parameters")), **(extends.get("parameters") or {})}
        jobs = self.jobs(body, path, params)
        self.pipeline(doc, extends_ref, jobs)
        self.result.notices.extend(self.state.notices)

    def jobs(self, body: Mapping[str, Any], path: str, params: Mapping[str, Any]) -> list[ModelObject]:
        out: list[ModelObject] = []
        stages: list[tuple[str, list[_Expanded], Any, Any]] = []
        stage_routes: dict[str, Route] = {}
        if "stages" in body:
            for st in self.items(body.get("stages"), "stages", path, ("stages",), params, 0, None):
                stage = st.value
                name = _text(stage.get("stage")) or f"(stage {len(stages) + 1})"
                jobs = list(self.items(stage.get("jobs"), "jobs", st.path, (*st.route, "jobs"), params, 0, st.via))
                stage_routes[name] = ("@", st.path, *st.route)
                stages.append((name, jobs, stage.get("dependsOn", _ABSENT), stage.get("condition")))
        elif "jobs" in body:
            stages.append(
                ("", list(self.items(body.get("jobs"), "jobs", path, ("jobs",), params, 0, None)), _ABSENT, None)
            )
        elif "steps" in body:
            stages.append(("", [_Expanded({"job": "Job", "steps": body.get("steps")}, path, ())], _ABSENT, None))
        stage_names = [s[0] for s in stages]
        stage_deps: dict[str, frozenset[str]] = {}
        for i, (name, _, deps, _) in enumerate(stages):
            stage_deps[name] = _names(deps) if deps is not _ABSENT else frozenset(stage_names[i - 1 : i])
        job_names = {name: [_job_name(j.value, k) for k, j in enumerate(jobs)] for name, jobs, _, _ in stages}
        approvals = {
            (stage, _job_name(j.value, k))
            for stage, jobs, _, _ in stages
            for k, j in enumerate(jobs)
            if _has_approval(j.value)
        }
        for stage, jobs, _, stage_condition in stages:
            for k, item in enumerate(jobs):
                job = item.value
                name = _job_name(job, k)
                if _has_approval(job):
                    continue
                needs = self.needs(stage, job, stage_deps, job_names)
                gate = next((_jid(s, j) for s, j in sorted(approvals) if _jid(s, j) in needs), None)
                out.append(self.job(stage, name, item, needs, gate, stage_condition, stage_routes.get(stage, ())))
        return out

    def needs(
        self,
        stage: str,
        job: Mapping[str, Any],
        stage_deps: Mapping[str, frozenset[str]],
        job_names: Mapping[str, list[str]],
    ) -> frozenset[str]:
        """Jobs this job waits for: its ``dependsOn`` in its stage, and every job of the stages its
        stage depends on, transitively (docs "Stages": a stage depends on the previous one by
        default)."""
        own = {_jid(stage, n) for n in _names(job.get("dependsOn"))}
        seen: set[str] = set()
        todo = list(stage_deps.get(stage, frozenset()))
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            own.update(_jid(s, n) for n in job_names.get(s, []))
            todo.extend(stage_deps.get(s, frozenset()))
        return frozenset(own)

    def job(
        self,
        stage: str,
        name: str,
        item: _Expanded,
        needs: frozenset[str],
        gate: str | None,
        stage_condition: Any,
        stage_route: Route,
    ) -> ModelObject:
        job = item.value
        steps = self.steps(job, item)
        classes = set(cls.union(s.classes for s in steps if s.continue_on_error is False))
        display = _text(job.get("displayName")) or None
        if cls.name_says_test(name, display) and steps:
            classes.add(cls.TEST)
        environment = job.get("environment")
        env_name = environment.get("name") if isinstance(environment, dict) else environment
        env_text = _text(env_name).split(".", 1)[0] if env_name is not None else None
        words = cls.name_words(name, display)
        if "deployment" in job or words & cls.DEPLOY_JOB_WORDS:
            classes.add(cls.DEPLOY)
        job_id = _jid(stage, name)
        facts = Job(
            platform=PLATFORM,
            pipeline=self.root,
            id=job_id,
            route=item.route,
            name=display,
            steps=steps,
            needs=needs,
            allow_failure=_flag(job.get("continueOnError")),
            manual=gate is not None,
            environment=env_text if "deployment" in job else None,
            timeout=job.get("timeoutInMinutes"),
            runs_on=job.get("pool"),
            classes=frozenset(classes),
            events=None,
            extra={
                "kind": "deployment" if "deployment" in job else "job",
                "condition": _text(job["condition"]) if "condition" in job else None,
                "stage_condition": _text(stage_condition) if stage_condition is not None else None,
                "stage_route": stage_route,
                "step_conditions": {s.key: c for s, c in self.step_conditions(job, steps)},
                "approval": f"ManualValidation in {gate}" if gate else None,
                "approval_route": (),
                "via": item.via,
            },
        )
        # The body holds what the job runs once templates are expanded, so a change inside a
        # template file changes the jobs that use it.
        body = {
            **job,
            "(effective steps)": [_step_view(s) for s in steps],
            "(stage condition)": stage_condition,
            "(needs)": sorted(needs),
        }
        return ModelObject(
            FAMILY,
            "job",
            (PLATFORM, self.root, job_id),
            body,
            Origin(KIND, item.path, _JobMap(self.smaps, item.path, item.route), unit=self.root),
            f"{facts.label} in {self.root}",
            facts,
            name_hint=name,
        )

    def steps(self, job: Mapping[str, Any], item: _Expanded) -> tuple[Step, ...]:
        raw: list[tuple[Any, Route]] = [(job.get("steps"), ("steps",))]
        strategy = job.get("strategy")
        if isinstance(strategy, dict):
            for sname, spec in strategy.items():
                if not isinstance(spec, dict):
                    continue
                for hook, hv in spec.items():
                    if isinstance(hv, dict) and "steps" in hv:
                        raw.append((hv["steps"], ("strategy", sname, hook, "steps")))
                    elif hook == "on" and isinstance(hv, dict):
                        for outcome, ov in hv.items():
                            if isinstance(ov, dict):
                                raw.append((ov.get("steps"), ("strategy", sname, "on", outcome, "steps")))
        out: list[Step] = []
        counts: dict[str, int] = {}
        for steps_raw, route in raw:
            for expanded in self.items(steps_raw, "steps", item.path, route, {}, 0, None):
                step = self.step(expanded, len(out), counts)
                if step is not None:
                    out.append(step)
        return tuple(out)

    def step(self, item: _Expanded, index: int, counts: dict[str, int]) -> Step | None:
        raw = item.value
        run = next((raw[k] for k in _SCRIPT_KEYS if isinstance(raw.get(k), str)), None)
        task = raw.get("task") if isinstance(raw.get("task"), str) else None
        inputs = raw.get("inputs") if isinstance(raw.get("inputs"), dict) else {}
        name = _text(raw.get("displayName") or raw.get("name")) or None
        classes: frozenset[str] = frozenset()
        if run is not None:
            classes, _ = cls.classify_script(run, self.patterns)
        if task is not None:
            classes = classes | tk.classes(task, inputs)
            script = next((str(v) for k, v in inputs.items() if str(k).lower() in ("script", "inlinescript")), None)
            if script:
                classes = classes | cls.classify_script(script, self.patterns)[0]
        if run is None and task is None:
            return None
        if isinstance(raw.get("name"), str):
            base = f"id:{raw['name']}"
        elif task:
            base = f"task:{tk.task_name(task)}"
        elif name:
            base = f"name:{name}"
        else:
            base = "run:" + hashlib.sha256(" ".join((run or "").split()).encode()).hexdigest()[:12]
        n = counts.get(base, 0)
        counts[base] = n + 1
        # Relative to the job when the step is written in the job itself; a step from a template
        # is located in the template file: ("@", file, route inside it).
        route = item.route if item.via is None else ("@", item.path, *item.route)
        return Step(
            key=base if n == 0 else f"{base}#{n + 1}",
            index=index,
            route=route,
            name=name,
            uses=f"task:{task}" if task else None,
            ref=task.split("@", 1)[1] if task and "@" in task else None,
            run=run,
            shell=SHELL if run is not None and ("script" in raw or "bash" in raw) else None,
            inputs=inputs,
            continue_on_error=_flag(raw.get("continueOnError")),
            condition=None,
            classes=classes,
            via=item.via,
        )

    def step_conditions(self, job: Mapping[str, Any], steps: tuple[Step, ...]) -> Iterator[tuple[Step, Any]]:
        """(step, its ``condition`` text or False when ``enabled: false``) for steps that set one."""
        raw_steps = job.get("steps")
        if not isinstance(raw_steps, list):
            return
        by_route = {s.route: s for s in steps}
        for i, raw in enumerate(raw_steps):
            step = by_route.get(("steps", i))
            if step is None or not isinstance(raw, dict):
                continue
            if raw.get("enabled") is False:
                yield step, False
            elif "condition" in raw:
                yield step, _text(raw["condition"])

    # -- pipeline ------------------------------------------------------------------------------
    def pipeline(self, doc: Mapping[str, Any], extends_ref: str | None, jobs: list[ModelObject]) -> None:
        triggers = {}
        for key in ("trigger", "pr"):
            if key in doc:
                triggers[key] = Trigger(key, _trigger(doc[key]))
            else:
                triggers[key] = Trigger(key, {"default": True})
        repos = {}
        resources = doc.get("resources")
        for repo in resources.get("repositories", []) if isinstance(resources, dict) else []:
            if isinstance(repo, dict) and isinstance(repo.get("repository"), str):
                ref = repo.get("ref")
                repos[repo["repository"]] = (_text(repo.get("name")), _text(ref) if ref else None, repo_ref_kind(ref))
        pipeline = Pipeline(
            PLATFORM,
            self.root,
            _text(doc.get("name")) or None,
            triggers,
            None,
            {"extends": extends_ref, "repositories": repos},
        )
        self.result.objects.extend(jobs)
        self.result.objects.append(
            ModelObject(
                FAMILY,
                "pipeline",
                (PLATFORM, self.root),
                {k: v for k, v in doc.items() if k not in ("stages", "jobs", "steps")},
                Origin(KIND, self.root, self.smaps[self.root], unit=self.root),
                f"pipeline {self.root}",
                pipeline,
            )
        )


_ABSENT = object()


def _step_view(step: Step) -> dict[str, Any]:
    return {
        "key": step.key,
        "run": step.run,
        "uses": step.uses,
        "inputs": dict(step.inputs),
        "continueOnError": step.continue_on_error,
        "via": step.via,
    }


class _JobMap:
    """Routes inside a job: relative to where the job is written, or ``("@", file, …)`` for what a
    template file contributed."""

    __slots__ = ("path", "prefix", "smaps")

    def __init__(self, smaps: Mapping[str, YamlSourceMap], path: str, prefix: Route) -> None:
        self.smaps = smaps
        self.path = path
        self.prefix = prefix

    def locate(self, route: Route) -> tuple[str, int | None]:
        if route[:1] == ("@",) and len(route) >= 2 and route[1] in self.smaps:
            return self.smaps[route[1]].locate(tuple(route[2:]))
        smap = self.smaps.get(self.path)
        if smap is None:
            return self.path, None
        return smap.locate((*self.prefix, *route))


def _jid(stage: str, job: str) -> str:
    return f"{stage}/{job}" if stage else job


def _join(folder: str, ref: str) -> str:
    parts = folder.split("/") if folder else []
    for piece in ref.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _names(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(_text(v) for v in value if not isinstance(v, (dict, list)))
    return frozenset()


def _job_name(job: Mapping[str, Any], index: int) -> str:
    for key in ("job", "deployment"):
        if key in job:
            return _text(job[key]) or f"(job {index + 1})"
    return f"(job {index + 1})"


def _has_approval(job: Mapping[str, Any]) -> bool:
    steps = job.get("steps")
    return isinstance(steps, list) and any(
        isinstance(s, dict) and isinstance(s.get("task"), str) and tk.task_name(s["task"]) == tk.APPROVAL_TASK
        for s in steps
    )


def _flag(value: Any) -> Any:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = _text(value).strip()
    if text.lower() == "true":
        return True
    if text.lower() in ("false", ""):
        return False
    return text


def template_defaults(raw: Any) -> dict[str, Any]:
    """Template parameters' defaults: the list form (``- name: x, default: …``) or the older map."""
    out: dict[str, Any] = {}
    if isinstance(raw, list):
        for p in raw:
            if isinstance(p, dict) and isinstance(p.get("name"), str) and "default" in p:
                out[p["name"]] = p["default"]
    elif isinstance(raw, dict):
        out.update({str(k): v for k, v in raw.items() if not isinstance(v, dict)})
    return out


def _subst(text: str, params: Mapping[str, Any]) -> str:
    return _PARAM.sub(lambda m: _text(params[m.group(1)]) if m.group(1) in params else m.group(0), text)


def _subst_all(value: Any, params: Mapping[str, Any]) -> Any:
    if not params:
        return value
    if isinstance(value, str):
        m = _PARAM.fullmatch(value.strip())
        if m and m.group(1) in params and not isinstance(params[m.group(1)], str):
            return params[m.group(1)]
        return _subst(value, params)
    if isinstance(value, dict):
        out = type(value)() if type(value) is not dict else {}
        if hasattr(value, "key_lines"):
            out.key_lines = value.key_lines  # type: ignore[attr-defined]
            out.line = value.line  # type: ignore[attr-defined]
        for k, v in value.items():
            out[k] = _subst_all(v, params)
        return out
    if isinstance(value, list):
        lst = type(value)() if type(value) is not list else []
        if hasattr(value, "item_lines"):
            lst.item_lines = value.item_lines  # type: ignore[attr-defined]
            lst.line = value.line  # type: ignore[attr-defined]
        lst.extend(_subst_all(v, params) for v in value)
        return lst
    return value


def _trigger(raw: Any) -> dict[str, Any]:
    """``trigger``/``pr`` as filters: ``none`` → disabled; a list → branches.include."""
    if isinstance(raw, str):
        return {"none": True} if raw.strip().lower() == "none" else {"branches": {"include": [raw]}}
    if isinstance(raw, list):
        return {"branches": {"include": [_text(b) for b in raw]}}
    if isinstance(raw, dict):
        return dict(raw)
    return {}


def repo_ref_kind(ref: Any) -> RefKind:
    """Repository resource refs: ``refs/tags/x`` is a tag, ``refs/heads/x`` a branch, a 40-hex
    commit a SHA; none is the default branch."""
    if ref is None:
        return RefKind.NONE
    text = _text(ref)
    if text.startswith("refs/tags/"):
        return RefKind.TAG
    if text.startswith("refs/heads/"):
        return RefKind.BRANCH
    kind = ref_kind(text)
    return kind if kind is RefKind.SHA else RefKind.BRANCH
