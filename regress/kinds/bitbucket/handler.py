"""Bitbucket Pipelines as CI model objects.

``pipelines:`` holds pipelines per trigger (docs "Pipeline start conditions"): ``default`` runs for
every branch push that no ``branches:`` pattern matches, ``branches:<glob>``, ``pull-requests:<glob>``
(for pull requests from matching source branches), ``tags:<glob>`` and ``custom:<name>`` (started
by hand or on a schedule). Each is a list of ``step``s, ``parallel`` groups and ``stage``s.

A step is a job of the CI model. The same step (by name and content, typically a YAML anchor)
used in several pipelines is one job that lists its *selectors*, so dropping the pull-request
pipeline while the step still runs on ``main`` is a narrowing, not a removal. Steps run their
``script`` lines one by one and fail on the first failing line; a pipe (``- pipe: name:version``)
is an opaque step pinned by its version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from regress.diff import canon
from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.ci import classify as cls
from regress.kinds.ci.model import FAMILY, Job, Pipeline, RefKind, Step
from regress.model import ModelObject, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError, YFloat

KIND = "bitbucket-pipelines"
PLATFORM = "bitbucket"
PATH = "bitbucket-pipelines.yml"
#: Each script line is run and checked in turn (docs "Write a pipeline": a step fails when a
#: command fails); pipes are not ``pipefail``-ed. (unverified: the exact shell options)
SHELL = "bash -e {0}"
_LONG_LIVED = re.compile(r"^(main|master|develop|development|trunk|release|production|staging)$")


def pre_merge(selector: str) -> bool:
    """Pipelines that check a change before it merges: pull requests, the default pipeline (every
    branch push), and branch patterns with wildcards (``feature/*``, ``**``)."""
    kind, _, pattern = selector.partition(":")
    if kind in ("pull-requests", "default"):
        return True
    if kind == "branches":
        return any(c in pattern for c in "*?{[") and not _LONG_LIVED.match(pattern)
    return False


class BitbucketHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, PATH)] if path == PATH else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        if not ctx.exists(unit.root):
            return result
        result.files.append(unit.root)
        try:
            loaded = ctx.yaml(unit.root)
        except LoadError as exc:
            result.errors.append(UnitError(unit.root, exc.message, exc.line))
            return result
        doc = loaded.documents[0] if loaded.documents else None
        if not isinstance(doc, dict):
            result.errors.append(UnitError(unit.root, "bitbucket-pipelines.yml must be a mapping", 1))
            return result
        patterns = getattr(ctx.settings, "patterns", None) or cls.DEFAULT_PATTERNS
        build(unit.root, doc, patterns, result)
        return result


def _text(value: Any) -> str:
    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def selectors(pipelines: Mapping[str, Any]) -> Iterator[tuple[str, tuple[Any, ...], Any]]:
    """(selector, route, item list) for every pipeline."""
    for kind, value in pipelines.items():
        if kind == "default":
            yield "default", ("pipelines", "default"), value
        elif isinstance(value, dict):
            for pattern, items in value.items():
                yield f"{kind}:{pattern}", ("pipelines", kind, pattern), items


def _steps_of(items: Any, route: tuple[Any, ...], stage: Mapping[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
    """(step body, route, enclosing stage) for each step of a pipeline, through parallel and stage."""
    if not isinstance(items, list):
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("step"), dict):
            yield item["step"], (*route, i, "step"), stage
        parallel = item.get("parallel")
        if isinstance(parallel, dict):
            parallel = parallel.get("steps")
        if isinstance(parallel, list):
            yield from _steps_of(parallel, (*route, i, "parallel"), stage)
        if isinstance(item.get("stage"), dict):
            st = item["stage"]
            yield from _steps_of(st.get("steps"), (*route, i, "stage", "steps"), st)


def build(path: str, doc: Mapping[str, Any], patterns: cls.Patterns, result: LoadResult) -> None:
    smap = YamlSourceMap(path, doc, 1)
    pipelines = doc.get("pipelines")
    pipelines = pipelines if isinstance(pipelines, dict) else {}
    found: dict[str, dict[str, Any]] = {}
    by_content: dict[Any, str] = {}
    counts: dict[str, int] = {}
    for selector, route, items in selectors(pipelines):
        for body, step_route, stage in _steps_of(items, route):
            content = canon(body)
            key = by_content.get(content)
            if key is None:
                base = _text(body.get("name")) or "(unnamed step)"
                n = counts.get(base, 0)
                counts[base] = n + 1
                key = base if n == 0 else f"{base}#{n + 1}"
                by_content[content] = key
                found[key] = {"body": body, "route": step_route, "selectors": [], "stage": stage}
            found[key]["selectors"].append(selector)
            if stage is not None and found[key]["stage"] is None:
                found[key]["stage"] = stage
    for key, info in found.items():
        job = _job(path, key, info, patterns, doc)
        body = {"step": info["body"], "selectors": sorted(set(info["selectors"]))}
        result.objects.append(
            ModelObject(
                FAMILY,
                "job",
                (PLATFORM, path, key),
                body,
                Origin(KIND, path, _StepMap(smap, info["route"])),
                f"{job.label} in {path}",
                job,
                name_hint=key,
            )
        )
    pipeline = Pipeline(PLATFORM, path, None, {}, None, {"selectors": [s for s, _, _ in selectors(pipelines)]})
    result.objects.append(
        ModelObject(
            FAMILY,
            "pipeline",
            (PLATFORM, path),
            {k: v for k, v in doc.items() if k != "pipelines"},
            Origin(KIND, path, smap),
            f"pipelines {path}",
            pipeline,
        )
    )


def _job(path: str, key: str, info: Mapping[str, Any], patterns: cls.Patterns, doc: Mapping[str, Any]) -> Job:
    body = info["body"]
    stage = info["stage"] or {}
    steps = _script_steps(body, patterns)
    classes = set(cls.union(s.classes for s in steps if not s.continue_on_error))
    name = _text(body.get("name"))
    if cls.name_says_test(name) and steps:
        classes.add(cls.TEST)
    deployment = body.get("deployment") or stage.get("deployment")
    words = cls.name_words(name)
    if deployment or words & cls.DEPLOY_JOB_WORDS:
        classes.add(cls.DEPLOY)
    manual = body.get("trigger") == "manual" or stage.get("trigger") == "manual"
    image = body.get("image", doc.get("image"))
    return Job(
        platform=PLATFORM,
        pipeline=path,
        id=key,
        route=info["route"],
        steps=steps,
        manual=manual,
        environment=_text(deployment) if deployment else None,
        classes=frozenset(classes),
        events=None,
        extra={
            "selectors": tuple(sorted(set(info["selectors"]))),
            "changesets": _changesets(body.get("condition")),
            "approval": "trigger: manual" if manual else None,
            "approval_route": ("step", "trigger") if body.get("trigger") == "manual" else ("step",),
            "image": image,
        },
    )


def _changesets(condition: Any) -> tuple[str, ...] | None:
    """``condition: changesets: includePaths`` (docs "Step options: condition"): the step runs only
    when the change touches one of these paths."""
    changesets = condition.get("changesets") if isinstance(condition, dict) else None
    paths = changesets.get("includePaths") if isinstance(changesets, dict) else None
    if isinstance(paths, list):
        return tuple(_text(p) for p in paths)
    return None


def _script_steps(body: Mapping[str, Any], patterns: cls.Patterns) -> tuple[Step, ...]:
    out: list[Step] = []
    counts: dict[str, int] = {}
    for section in ("script", "after-script"):
        items = body.get(section)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            route = ("step", section, i)
            if isinstance(item, dict) and isinstance(item.get("pipe"), str):
                name, ref, kind = split_pipe(item["pipe"])
                base = f"pipe:{name}"
                n = counts.get(base, 0)
                counts[base] = n + 1
                variables = item.get("variables")
                out.append(
                    Step(
                        key=base if n == 0 else f"{base}#{n + 1}",
                        index=len(out),
                        route=route,
                        uses=f"pipe:{name}",
                        ref=ref,
                        ref_kind=kind,
                        inputs=variables if isinstance(variables, dict) else {},
                        continue_on_error=section == "after-script",
                        classes=_pipe_classes(name),
                    )
                )
                continue
            if isinstance(item, (dict, list)) or item is None:
                continue
            command = _text(item)
            classes, _ = cls.classify_script(command, patterns)
            norm = " ".join(command.split())
            base = "run:" + hashlib.sha256(norm.encode()).hexdigest()[:12]
            n = counts.get(base, 0)
            counts[base] = n + 1
            out.append(
                Step(
                    key=base if n == 0 else f"{base}#{n + 1}",
                    index=len(out),
                    route=route,
                    run=command,
                    shell=SHELL,
                    # after-script runs after the step and does not change its result (docs
                    # "Step options: after-script").
                    continue_on_error=section == "after-script",
                    classes=classes,
                )
            )
    return tuple(out)


def _pipe_classes(name: str) -> frozenset[str]:
    low = name.lower()
    if any(w in low for w in ("snyk", "sonar", "trivy", "checkov", "gitleaks", "security", "scan", "owasp")):
        return frozenset({cls.SECURITY})
    if any(w in low for w in ("deploy", "helm", "kubectl", "aws-ecs", "aws-s3", "azure-web", "ssh-run")):
        return frozenset({cls.DEPLOY})
    if "slack" in low or "notify" in low or "email" in low:
        return frozenset({cls.NOTIFY})
    return frozenset()


def split_pipe(pipe: str) -> tuple[str, str | None, RefKind]:
    """``atlassian/aws-s3-deploy:1.1.0`` → (name, version, pin). Pipes are images: a full
    ``x.y.z`` (or a digest) is fixed, ``x``/``x.y`` follow new releases, none is ``latest``."""
    image = pipe.removeprefix("docker://")
    if "@sha256:" in image:
        name, _, digest = image.partition("@")
        return name.rsplit(":", 1)[0], digest, RefKind.SHA
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return image, None, RefKind.NONE
    name, _, tag = image.rpartition(":")
    if re.fullmatch(r"v?\d+\.\d+\.\d+([-.+].*)?", tag):
        return name, tag, RefKind.SHA
    if re.fullmatch(r"v?\d+(\.\d+)?", tag):
        return name, tag, RefKind.TAG
    return name, tag, RefKind.BRANCH


class _StepMap:
    """Routes inside a job body ``{"step": …, "selectors": …}``: ``step…`` resolve inside the step
    as first written; anything else at the step."""

    __slots__ = ("inner", "route")

    def __init__(self, inner: YamlSourceMap, route: tuple[Any, ...]) -> None:
        self.inner = inner
        self.route = route

    def locate(self, route: tuple[Any, ...]) -> tuple[str, int | None]:
        if route[:1] == ("step",):
            return self.inner.locate((*self.route, *route[1:]))
        return self.inner.locate(self.route)
