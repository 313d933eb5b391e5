"""The kinds of pipeline a GitLab job is judged under, with the predefined variables each sets.

Values follow the docs "Predefined CI/CD variables reference": in a merge request pipeline
``CI_COMMIT_BRANCH`` and ``CI_COMMIT_TAG`` are unset and ``CI_MERGE_REQUEST_*`` are set; in a
branch pipeline ``CI_COMMIT_BRANCH`` is the branch; in a tag pipeline only ``CI_COMMIT_TAG``; a
scheduled pipeline runs on a branch (usually the default one) with ``CI_PIPELINE_SOURCE`` =
``schedule``. A child pipeline sees ``CI_PIPELINE_SOURCE`` = ``parent_pipeline``.

Branch and tag names are symbols: "the default branch" and "the pushed branch" are known to
differ, but whether the default branch is called ``main`` is an unknown fact (see ``expr``).
Project identity (path, namespace, server) is unknown offline, so a fork guard stays a question
rather than a verdict.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from regress.kinds.gitlab.expr import Sym, Value


class Source(enum.StrEnum):
    """Pipeline kinds; the values name them in ``Job.extra["runs"]``."""

    MERGE_REQUEST = "merge_request"
    BRANCH = "push"
    DEFAULT_BRANCH = "default_branch"
    TAG = "tag"
    SCHEDULE = "schedule"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def pre_merge(self) -> bool:
        """Pipelines that gate a change before it is merged."""
        return self in (Source.MERGE_REQUEST, Source.BRANCH)


_LABELS = {
    Source.MERGE_REQUEST: "merge request pipelines",
    Source.BRANCH: "branch pipelines",
    Source.DEFAULT_BRANCH: "default-branch pipelines",
    Source.TAG: "tag pipelines",
    Source.SCHEDULE: "scheduled pipelines",
}

#: Names a default branch conventionally has: a pushed feature branch (or a merge request's source
#: branch) is taken not to be one of them, so `$CI_COMMIT_BRANCH == "main"` and
#: `$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH` agree outside the default branch.
DEFAULT_NAMES = frozenset({"main", "master"})
DEFAULT = Sym("default-branch", group="ref")
BRANCH = Sym("branch", group="ref", never=DEFAULT_NAMES)
MR_SOURCE = Sym("mr-source-branch", group="ref", never=DEFAULT_NAMES)
TAG = Sym("tag", group="ref")

_COMMON: dict[str, Value] = {
    "CI": "true",
    "GITLAB_CI": "true",
    "CI_DEFAULT_BRANCH": DEFAULT,
    "CI_PROJECT_PATH": Sym("project-path"),
    "CI_PROJECT_NAMESPACE": Sym("project-namespace"),
    "CI_PROJECT_ROOT_NAMESPACE": Sym("project-root-namespace"),
    "CI_PROJECT_NAME": Sym("project-name"),
    "CI_SERVER_HOST": Sym("server-host"),
    "CI_COMMIT_SHA": Sym("commit-sha"),
    "CI_COMMIT_SHORT_SHA": Sym("commit-short-sha"),
    "CI_PIPELINE_ID": Sym("pipeline-id"),
    "CI_COMMIT_MESSAGE": Sym("commit-message"),
    "CI_COMMIT_TITLE": Sym("commit-title"),
    "CI_COMMIT_BRANCH": None,
    "CI_COMMIT_TAG": None,
    "CI_COMMIT_REF_PROTECTED": Sym("ref-protected"),
    "CI_MERGE_REQUEST_ID": None,
    "CI_MERGE_REQUEST_IID": None,
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": None,
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": None,
    "CI_MERGE_REQUEST_EVENT_TYPE": None,
    "CI_MERGE_REQUEST_LABELS": None,
    "CI_MERGE_REQUEST_TITLE": None,
    "CI_EXTERNAL_PULL_REQUEST_IID": None,
    "CI_OPEN_MERGE_REQUESTS": None,
    "CI_PIPELINE_SCHEDULE_DESCRIPTION": None,
}

_BY_SOURCE: dict[Source, dict[str, Value]] = {
    Source.MERGE_REQUEST: {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_COMMIT_REF_NAME": MR_SOURCE,
        "CI_COMMIT_REF_SLUG": Sym("mr-source-branch-slug"),
        "CI_MERGE_REQUEST_ID": Sym("mr-id"),
        "CI_MERGE_REQUEST_IID": Sym("mr-iid"),
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": MR_SOURCE,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": Sym("mr-target-branch"),
        "CI_MERGE_REQUEST_EVENT_TYPE": Sym("mr-event-type"),
        "CI_MERGE_REQUEST_LABELS": Sym("CI_MERGE_REQUEST_LABELS", maybe_unset=True),
        "CI_MERGE_REQUEST_TITLE": Sym("mr-title"),
        "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH": Sym("mr-source-project"),
        "CI_MERGE_REQUEST_PROJECT_PATH": Sym("project-path"),
    },
    Source.BRANCH: {
        "CI_PIPELINE_SOURCE": "push",
        "CI_COMMIT_BRANCH": BRANCH,
        "CI_COMMIT_REF_NAME": BRANCH,
        "CI_COMMIT_REF_SLUG": Sym("branch-slug"),
        "CI_OPEN_MERGE_REQUESTS": Sym("CI_OPEN_MERGE_REQUESTS", maybe_unset=True),
    },
    Source.DEFAULT_BRANCH: {
        "CI_PIPELINE_SOURCE": "push",
        "CI_COMMIT_BRANCH": DEFAULT,
        "CI_COMMIT_REF_NAME": DEFAULT,
        "CI_COMMIT_REF_SLUG": Sym("default-branch-slug"),
    },
    Source.TAG: {
        "CI_PIPELINE_SOURCE": "push",
        "CI_COMMIT_TAG": TAG,
        "CI_COMMIT_REF_NAME": TAG,
        "CI_COMMIT_REF_SLUG": Sym("tag-slug"),
    },
    Source.SCHEDULE: {
        "CI_PIPELINE_SOURCE": "schedule",
        "CI_COMMIT_BRANCH": DEFAULT,
        "CI_COMMIT_REF_NAME": DEFAULT,
        "CI_COMMIT_REF_SLUG": Sym("default-branch-slug"),
        "CI_PIPELINE_SCHEDULE_DESCRIPTION": Sym("schedule-description"),
    },
}


def environment(source: Source, child: bool = False) -> dict[str, Value]:
    """Predefined variables of a pipeline of this kind (a child pipeline's when ``child``)."""
    env = {**_COMMON, **_BY_SOURCE[source]}
    if child:
        env["CI_PIPELINE_SOURCE"] = "parent_pipeline"
    return env


def ref_symbol(source: Source) -> Sym:
    """The ref the pipeline runs for (what ``only: [main]`` and ``/^release/`` are matched with)."""
    return {
        Source.MERGE_REQUEST: MR_SOURCE,
        Source.BRANCH: BRANCH,
        Source.DEFAULT_BRANCH: DEFAULT,
        Source.TAG: TAG,
        Source.SCHEDULE: DEFAULT,
    }[source]


def with_yaml_variables(env: Mapping[str, Value], variables: Mapping[str, str]) -> dict[str, Value]:
    """Variables defined in the YAML are visible to ``rules:if`` (docs "rules:if": "variables
    defined in the job or globally"); predefined ones win over YAML ones of the same name only
    for the pipeline's identity, which YAML cannot change."""
    out: dict[str, Value] = dict(env)
    for name, value in variables.items():
        if name not in env:
            out[name] = value
    return out
