"""One effective GitLab job → the CI model's ``Job``.

Steps are the commands of ``before_script`` and ``script`` (GitLab Runner's bash runs them under
``set -eo pipefail``: gitlab-org/gitlab-runner MR !2671) and of ``after_script``, whose failures
never fail the job (docs "after_script": its exit code does not change the job status), so those
steps count as allowed to fail. A job's classes come from its commands, its ``artifacts:reports``
(GitLab itself tells test and scan jobs apart by them), its ``coverage`` regex, its name and its
``environment``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from typing import Any

from regress.kinds.ci import classify as cls
from regress.kinds.ci.model import Matrix, Step
from regress.kinds.ci.refs import split_image
from regress.kinds.gitlab.contexts import Source
from regress.kinds.gitlab.policy import Outcome, RunPolicy
from regress.yamlload import YFloat

PLATFORM = "gitlab"
#: The effective shell of a GitLab Runner bash script (see module docstring).
SHELL = "bash -eo pipefail {0}"
#: ``artifacts:reports`` keys → what they say about the job (docs "artifacts:reports").
REPORT_CLASSES: dict[str, frozenset[str]] = {
    "junit": frozenset({cls.TEST, cls.REPORT}),
    "coverage_report": frozenset({cls.COVERAGE, cls.REPORT}),
    "cobertura": frozenset({cls.COVERAGE, cls.REPORT}),
    "sast": frozenset({cls.SECURITY}),
    "secret_detection": frozenset({cls.SECURITY}),
    "dependency_scanning": frozenset({cls.SECURITY}),
    "container_scanning": frozenset({cls.SECURITY}),
    "dast": frozenset({cls.SECURITY}),
    "api_fuzzing": frozenset({cls.SECURITY}),
    "coverage_fuzzing": frozenset({cls.SECURITY}),
    "cyclonedx": frozenset({cls.PROVENANCE}),
    "codequality": frozenset({cls.LINT}),
    "metrics": frozenset({cls.REPORT}),
    "load_performance": frozenset({cls.REPORT}),
    "browser_performance": frozenset({cls.REPORT}),
    "performance": frozenset({cls.REPORT}),
    "accessibility": frozenset({cls.REPORT}),
}
_SCRIPT_KEYS = ("before_script", "script", "after_script")


def text(value: Any) -> str:
    if isinstance(value, YFloat):
        return value.raw
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def steps(job: Mapping[str, Any], patterns: cls.Patterns) -> tuple[Step, ...]:
    out: list[Step] = []
    counts: dict[str, int] = {}
    index = 0
    for section in _SCRIPT_KEYS:
        raw = job.get(section)
        items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
        for i, item in enumerate(items):
            if isinstance(item, (list, dict)) or item is None:
                continue
            command = text(item)
            classes, _ = cls.classify_script(command, patterns)
            norm = " ".join(command.split())
            base = "run:" + hashlib.sha256(norm.encode()).hexdigest()[:12]
            n = counts.get(base, 0)
            counts[base] = n + 1
            route: tuple[Any, ...] = (section, i) if isinstance(raw, list) else (section,)
            out.append(
                Step(
                    key=base if n == 0 else f"{base}#{n + 1}",
                    index=index,
                    route=route,
                    run=command,
                    shell=SHELL,
                    continue_on_error=section == "after_script",
                    classes=classes,
                )
            )
            index += 1
    return tuple(out)


def report_classes(job: Mapping[str, Any]) -> frozenset[str]:
    artifacts = job.get("artifacts")
    reports = artifacts.get("reports") if isinstance(artifacts, Mapping) else None
    out: set[str] = set()
    if isinstance(reports, Mapping):
        for key in reports:
            out |= REPORT_CLASSES.get(str(key), frozenset())
    return frozenset(out)


def environment_name(job: Mapping[str, Any]) -> str | None:
    env = job.get("environment")
    name = env.get("name") if isinstance(env, Mapping) else env
    return text(name) if name is not None and not isinstance(name, (dict, list)) else None


def environment_action(job: Mapping[str, Any]) -> str:
    """``environment:action`` (docs: start by default; ``prepare``/``verify``/``access``/``stop``
    do not deploy)."""
    env = job.get("environment")
    action = env.get("action") if isinstance(env, Mapping) else None
    return text(action) if action is not None else "start"


def classes(name: str, job: Mapping[str, Any], job_steps: tuple[Step, ...]) -> frozenset[str]:
    out = set(cls.union(s.classes for s in job_steps if not s.continue_on_error))
    out |= report_classes(job)
    if job.get("coverage") is not None:
        out.add(cls.COVERAGE)
    if cls.name_says_test(name) and (job_steps or job.get("trigger") is not None):
        out.add(cls.TEST)
    words = cls.name_words(name)
    if (environment_name(job) and environment_action(job) == "start") or words & cls.DEPLOY_JOB_WORDS:
        out.add(cls.DEPLOY)
    return frozenset(out)


def matrix(job: Mapping[str, Any]) -> Matrix | None:
    """``parallel: matrix:`` expanded to its combinations; ``parallel: N`` is no matrix (it splits
    the same work)."""
    parallel = job.get("parallel")
    entries = parallel.get("matrix") if isinstance(parallel, Mapping) else None
    if not isinstance(entries, list):
        return None
    combos: set[tuple[tuple[str, str], ...]] = set()
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        axes = []
        for axis, values in entry.items():
            vals = values if isinstance(values, list) else [values]
            if any("$" in text(v) for v in vals):
                return Matrix(dynamic=True)
            axes.append((str(axis), [text(v) for v in vals]))
        for combo in itertools.product(*(v for _, v in axes)):
            combos.add(tuple(sorted(zip((a for a, _ in axes), combo, strict=True))))
    return Matrix(frozenset(combos))


def explicit_needs(job: Mapping[str, Any]) -> frozenset[str] | None:
    """Names of the jobs in ``needs`` (None when the job has no ``needs``: stage order applies)."""
    needs = job.get("needs")
    if needs is None:
        return None
    out: set[str] = set()
    if isinstance(needs, list):
        for n in needs:
            if isinstance(n, str):
                out.add(n)
            elif isinstance(n, Mapping) and isinstance(n.get("job"), str) and "pipeline" not in n:
                out.add(n["job"])
    return frozenset(out)


def image_ref(job: Mapping[str, Any]) -> tuple[str, str | None, Any] | None:
    image = job.get("image")
    name = image.get("name") if isinstance(image, Mapping) else image
    if not isinstance(name, str) or not name:
        return None
    return split_image(name)


def run_summary(policy: RunPolicy) -> dict[str, list[Outcome]]:
    """Every outcome a job can have, per pipeline kind (absent kinds: the job never runs there)."""
    out: dict[str, list[Outcome]] = {}
    for source in Source:
        found = [o for _, o in policy.table(source) if o is not None]
        if found:
            out[source.value] = found
    return out


def allow_failure_of(policy: RunPolicy, summary: Mapping[str, list[Outcome]]) -> bool | str:
    """True when the job may fail wherever it runs by itself, a description when only somewhere,
    False otherwise (a manual job's own default does not count: see the made-manual rule)."""
    del policy
    auto = [(src, o) for src, outs in summary.items() for o in outs if o.automatic]
    if not auto:
        # A job that never runs by itself: whether it may fail is the made-manual rule's concern.
        return False
    allowed = [(src, o) for src, o in auto if o.allow_failure is not False]
    if not allowed:
        return False
    if len(allowed) == len(auto):
        kinds = {o.allow_failure for _, o in allowed}
        return True if kinds == {True} else next(str(k) for k in kinds if k is not True)
    where = sorted({src for src, _ in allowed})
    return "in " + ", ".join(where)


def is_manual(summary: Mapping[str, list[Outcome]]) -> bool:
    outcomes = [o for outs in summary.values() for o in outs]
    return bool(outcomes) and all(o.when == "manual" for o in outcomes)


def manual_blocking(summary: Mapping[str, list[Outcome]]) -> bool | None:
    """For a manual job: True when merging waits for it (``when: manual`` inside ``rules``),
    False when the pipeline succeeds without it, None when it differs between pipelines."""
    manual = [o for outs in summary.values() for o in outs if o.when == "manual"]
    if not manual:
        return None
    blocking = {o.allow_failure is False for o in manual}
    return blocking.pop() if len(blocking) == 1 else None


def always(summary: Mapping[str, list[Outcome]]) -> bool:
    """The job runs with ``when: always`` wherever it runs by itself."""
    auto = [o for outs in summary.values() for o in outs if o.automatic]
    return bool(auto) and all(o.when == "always" for o in auto)
