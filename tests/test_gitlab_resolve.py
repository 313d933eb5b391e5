"""The effective GitLab pipeline: includes, extends, !reference, default:, hidden jobs."""

from __future__ import annotations

from typing import Any

from regress.kinds.base import LoadResult, Unit
from regress.kinds.ci.model import Job, Pipeline
from regress.kinds.gitlab.handler import GitLabHandler
from regress.model import NoticeKind, Side
from tests.memsnap import context

UNIT = Unit("gitlab-ci", ".gitlab-ci.yml")


def load(files: dict[str, str]) -> LoadResult:
    return GitLabHandler().load(UNIT, context(files))


def jobs(result: LoadResult) -> dict[str, Any]:
    return {o.key[2]: o for o in result.objects if o.type == "job"}


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def test_includes_merge_in_order_and_the_including_file_wins() -> None:
    result = load(
        {
            ".gitlab-ci.yml": "include:\n  - local: a.yml\n  - b.yml\nunit:\n  script: [pytest -x]\n",
            "a.yml": "unit:\n  image: python:3.11\n  script: [pytest]\nlint:\n  script: [ruff check]\n",
            "b.yml": "unit:\n  image: python:3.12\n  variables: {A: '1'}\n",
        }
    )
    got = jobs(result)
    assert sorted(got) == ["lint", "unit"]
    assert plain(got["unit"].body) == {"image": "python:3.12", "script": ["pytest -x"], "variables": {"A": "1"}}
    assert result.errors == []
    assert sorted(result.files) == [".gitlab-ci.yml", "a.yml", "b.yml"]


def test_positions_point_at_the_file_that_set_each_key() -> None:
    result = load(
        {
            ".gitlab-ci.yml": "include: ci/base.yml\nunit:\n  extends: .tests\n  script: [pytest]\n",
            "ci/base.yml": "# shared\n.tests:\n  image: python:3.12\n  allow_failure: false\n",
        }
    )
    unit = jobs(result)["unit"]
    assert str(unit.locate(("allow_failure",), Side.HEAD)) == "ci/base.yml:4"
    assert str(unit.locate(("script", 0), Side.HEAD)) == ".gitlab-ci.yml:4"
    assert unit.origin.path == ".gitlab-ci.yml"


def test_include_cycles_and_the_include_limit_end_in_notices() -> None:
    cycle = load(
        {
            ".gitlab-ci.yml": "include: a.yml\nunit: {script: [pytest]}\n",
            "a.yml": "include: b.yml\n",
            "b.yml": "include: a.yml\nlint: {script: [ruff check]}\n",
        }
    )
    assert sorted(jobs(cycle)) == ["lint", "unit"]
    assert any(n.kind is NoticeKind.LIMIT and "cycle" in n.message for n in cycle.notices)
    many = {".gitlab-ci.yml": "include:\n" + "".join(f"  - f{i}.yml\n" for i in range(160))}
    many.update({f"f{i}.yml": f"job{i}: {{script: [make test]}}\n" for i in range(160)})
    limited = load(many)
    assert len(jobs(limited)) == 150
    assert any(n.kind is NoticeKind.LIMIT and "150" in n.message for n in limited.notices)


def test_remote_template_and_other_project_includes_are_named_in_notices() -> None:
    result = load(
        {
            ".gitlab-ci.yml": (
                "include:\n"
                "  - remote: https://example.com/ci.yml\n"
                "  - project: other/group\n    file: /ci.yml\n    ref: main\n"
                "  - template: Jobs/SAST.gitlab-ci.yml\n"
                "  - local: local.yml\n"
            ),
            "local.yml": "unit:\n  script: [pytest]\n",
        }
    )
    assert sorted(jobs(result)) == ["unit"]
    messages = sorted(n.message for n in result.notices if n.kind is NoticeKind.UNRESOLVED)
    assert messages == [
        "include project other/group file /ci.yml @ main cannot be fetched offline: jobs and templates it defines "
        "are not analysed",
        "include remote https://example.com/ci.yml cannot be fetched offline: jobs and templates it defines are "
        "not analysed",
        "include template Jobs/SAST.gitlab-ci.yml cannot be fetched offline: known by name (SAST): its switches and "
        "job overrides are checked, its jobs are not read",
    ]


def test_same_project_includes_and_globs_are_read_from_the_snapshot() -> None:
    result = load(
        {
            ".gitlab-ci.yml": (
                "include:\n  - project: $CI_PROJECT_PATH\n    file: [/ci/a.yml]\n  - local: ci/jobs/**.yml\n"
            ),
            "ci/a.yml": "a: {script: [make check]}\n",
            "ci/jobs/b.yml": "b: {script: [make check]}\n",
            "ci/jobs/deep/c.yml": "c: {script: [make check]}\n",
        }
    )
    assert sorted(jobs(result)) == ["a", "b", "c"]


def test_a_missing_local_include_makes_the_configuration_invalid() -> None:
    result = load({".gitlab-ci.yml": "include: missing.yml\nunit: {script: [pytest]}\n"})
    assert [(e.path, e.message, e.line) for e in result.errors] == [
        (".gitlab-ci.yml", "included file missing.yml does not exist", 1)
    ]


def test_extends_merges_hashes_replaces_lists_and_null_removes() -> None:
    result = load(
        {
            ".gitlab-ci.yml": (
                ".base:\n  image: python:3.12\n  variables: {A: '1', B: '2'}\n  script: [one, two]\n"
                "  retry: 2\n"
                ".mid:\n  extends: .base\n  variables: {B: '3'}\n"
                "unit:\n  extends: [.mid]\n  script: [three]\n  retry: null\n"
            )
        }
    )
    assert plain(jobs(result)["unit"].body) == {
        "image": "python:3.12",
        "variables": {"A": "1", "B": "3"},
        "script": ["three"],
    }


def test_extends_deeper_than_eleven_levels_is_an_error_not_a_hang() -> None:
    lines = [".t0:\n  script: [pytest]\n"]
    lines += [f".t{i}:\n  extends: .t{i - 1}\n" for i in range(1, 14)]
    lines.append("unit:\n  extends: .t13\n")
    result = load({".gitlab-ci.yml": "".join(lines)})
    assert any("deeper than 11" in e.message for e in result.errors)


def test_unknown_extends_is_an_error_unless_an_include_could_define_it() -> None:
    broken = load({".gitlab-ci.yml": "unit:\n  extends: .nowhere\n  script: [pytest]\n"})
    assert [e.message for e in broken.errors] == [
        "job 'unit' extends '.nowhere', which is not defined anywhere in the configuration"
    ]
    opaque = load(
        {
            ".gitlab-ci.yml": (
                "include: {remote: 'https://x.test/ci.yml'}\nunit:\n  extends: .nowhere\n  script: [pytest]\n"
            )
        }
    )
    assert opaque.errors == []
    unit = jobs(opaque)["unit"].facts
    assert isinstance(unit, Job) and unit.extra["partial"] is True


def test_reference_splices_items_from_other_files_with_their_positions() -> None:
    result = load(
        {
            ".gitlab-ci.yml": (
                "include: setup.yml\n"
                "unit:\n  script:\n    - !reference [.setup, script]\n    - pytest\n"
                "  rules:\n    - !reference [.rules, rules]\n    - if: $CI_COMMIT_TAG\n"
            ),
            "setup.yml": (
                ".setup:\n  script: [pip install -e ., pip check]\n.rules:\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n"
            ),
        }
    )
    unit = jobs(result)["unit"]
    assert plain(unit.body["script"]) == ["pip install -e .", "pip check", "pytest"]
    assert plain(unit.body["rules"]) == [{"if": "$CI_MERGE_REQUEST_IID"}, {"if": "$CI_COMMIT_TAG"}]
    assert str(unit.locate(("script", 1), Side.HEAD)) == "setup.yml:2"
    assert str(unit.locate(("script", 2), Side.HEAD)) == ".gitlab-ci.yml:5"


def test_default_and_inherit() -> None:
    result = load(
        {
            ".gitlab-ci.yml": (
                "default:\n  image: ruby:3.3\n  retry: 1\n"
                "variables: {G: '1', H: '2'}\n"
                "a:\n  script: [rspec]\n"
                "b:\n  script: [rspec]\n  inherit:\n    default: [image]\n    variables: false\n"
            )
        }
    )
    got = jobs(result)
    assert plain(got["a"].body) == {
        "script": ["rspec"],
        "image": "ruby:3.3",
        "retry": 1,
        "variables": {"G": "1", "H": "2"},
    }
    assert plain(got["b"].body) == {
        "script": ["rspec"],
        "inherit": {"default": ["image"], "variables": False},
        "image": "ruby:3.3",
    }


def test_hidden_jobs_and_reserved_keys_are_not_jobs_and_template_overrides_belong_to_the_template() -> None:
    result = load(
        {
            ".gitlab-ci.yml": (
                "include:\n  - template: Jobs/SAST.gitlab-ci.yml\n"
                "stages: [test]\nvariables: {A: b}\n"
                ".hidden:\n  script: [pytest]\n"
                "semgrep-sast:\n  variables: {SAST_EXCLUDED_PATHS: vendor}\n"
                "unit:\n  script: [pytest]\n"
            )
        }
    )
    assert sorted(jobs(result)) == ["unit"]
    pipeline = next(o for o in result.objects if o.type == "pipeline")
    assert isinstance(pipeline.facts, Pipeline)
    assert sorted(pipeline.facts.extra["scans"]) == ["sast"]
    assert sorted(pipeline.body["template_jobs"]) == ["semgrep-sast"]


def test_jobs_without_needs_wait_for_the_earlier_stages() -> None:
    result = load(
        {
            ".gitlab-ci.yml": (
                "stages: [build, test, deploy]\n"
                "build: {stage: build, script: [make]}\n"
                "unit: {script: [make test]}\n"
                "deploy: {stage: deploy, script: [make deploy], environment: production}\n"
                "fast-deploy: {stage: deploy, script: [make deploy], needs: [build]}\n"
            )
        }
    )
    got = {name: o.facts for name, o in jobs(result).items()}
    assert got["deploy"].needs == frozenset({"build", "unit"})
    assert got["fast-deploy"].needs == frozenset({"build"})
    assert got["unit"].needs == frozenset({"build"})


def test_child_pipelines_are_pipelines_of_their_own_and_lend_their_classes() -> None:
    result = load(
        {
            ".gitlab-ci.yml": "tests:\n  trigger:\n    include: ci/child.yml\n    strategy: depend\n",
            "ci/child.yml": "unit:\n  script: [pytest]\n",
        }
    )
    keys = sorted(o.key for o in result.objects)
    assert keys == [
        ("gitlab", ".gitlab-ci.yml"),
        ("gitlab", ".gitlab-ci.yml", "tests"),
        ("gitlab", "ci/child.yml"),
        ("gitlab", "ci/child.yml", "unit"),
    ]
    trigger = jobs(result)["tests"].facts
    assert "test" in trigger.classes and trigger.uses == "child:ci/child.yml"


def test_bad_yaml_in_an_included_file_is_an_error_of_that_file() -> None:
    result = load({".gitlab-ci.yml": "include: a.yml\n", "a.yml": "unit: [\n"})
    assert [e.path for e in result.errors] == ["a.yml"]


def test_a_very_long_extends_chain_is_bounded() -> None:
    lines = [".t0:\n  script: [pytest]\n"]
    lines += [f".t{i}:\n  extends: .t{i - 1}\n" for i in range(1, 3000)]
    lines.append("unit:\n  extends: .t2999\n")
    result = load({".gitlab-ci.yml": "".join(lines)})
    assert any("deeper than 11" in e.message for e in result.errors)
