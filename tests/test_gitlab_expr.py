"""GitLab CI/CD variable expressions over partly known variables."""

from __future__ import annotations

import pytest

from regress.kinds.gitlab import expr
from regress.kinds.gitlab.contexts import Source, environment
from regress.kinds.gitlab.expr import Evaluator, ParseError, atoms_of, parse


def truth(text: str, source: Source, answers: dict[tuple[str, ...], bool] | None = None) -> bool:
    got = answers or {}
    return Evaluator(environment(source), lambda a: got.get(a, False)).truth(parse(text))


@pytest.mark.parametrize(
    ("text", "source", "want"),
    [
        ('$CI_PIPELINE_SOURCE == "merge_request_event"', Source.MERGE_REQUEST, True),
        ('$CI_PIPELINE_SOURCE == "merge_request_event"', Source.BRANCH, False),
        ("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", Source.DEFAULT_BRANCH, True),
        ("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", Source.BRANCH, False),
        ("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", Source.MERGE_REQUEST, False),
        ("$CI_COMMIT_TAG", Source.TAG, True),
        ("$CI_COMMIT_TAG", Source.DEFAULT_BRANCH, False),
        ("$CI_MERGE_REQUEST_IID", Source.MERGE_REQUEST, True),
        ("$CI_COMMIT_TAG == null", Source.BRANCH, True),
        ("$CI_PIPELINE_SOURCE =~ /^(push|schedule)$/", Source.SCHEDULE, True),
        ("$CI_PIPELINE_SOURCE !~ /^push$/", Source.SCHEDULE, True),
        # && binds tighter than ||
        ('$CI_COMMIT_TAG || $CI_PIPELINE_SOURCE == "schedule" && $CI_COMMIT_BRANCH', Source.SCHEDULE, True),
        ('($CI_COMMIT_TAG || $CI_PIPELINE_SOURCE == "push") && $CI_COMMIT_TAG', Source.DEFAULT_BRANCH, False),
        ("${CI_COMMIT_BRANCH}", Source.BRANCH, True),
    ],
)
def test_known_values(text: str, source: Source, want: bool) -> None:
    assert truth(text, source) is want


def test_unknown_variables_are_atoms_answered_by_the_oracle() -> None:
    node = parse('$RUN_E2E == "yes" && $CI_COMMIT_BRANCH == "main"')
    assert atoms_of(node, environment(Source.DEFAULT_BRANCH)) == {
        ("eq", "RUN_E2E", "yes"),
        ("eq", "default-branch", "main"),
    }
    both = {("eq", "RUN_E2E", "yes"): True, ("eq", "default-branch", "main"): True}
    assert truth('$RUN_E2E == "yes" && $CI_COMMIT_BRANCH == "main"', Source.DEFAULT_BRANCH, both) is True
    one = {("eq", "RUN_E2E", "yes"): True}
    assert truth('$RUN_E2E == "yes" && $CI_COMMIT_BRANCH == "main"', Source.DEFAULT_BRANCH, one) is False


def test_a_bare_unknown_variable_asks_whether_it_is_set() -> None:
    assert atoms_of(parse("$RUN_TESTS"), environment(Source.BRANCH)) == {("set", "RUN_TESTS")}
    assert truth("$RUN_TESTS", Source.BRANCH, {("set", "RUN_TESTS"): True}) is True


def test_yaml_variables_are_known() -> None:
    env = {**environment(Source.BRANCH), "DEPLOY": "true"}
    assert Evaluator(env, lambda a: False).truth(parse('$DEPLOY == "true"')) is True


@pytest.mark.parametrize("text", ['$A == "x', "$A ==", "($A", "$A = 1", "!$A"])
def test_invalid_expressions_raise_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        parse(text)


def test_describe_names_symbols_for_readers() -> None:
    assert expr.describe(("eq", "default-branch", "main")) == "the default branch is 'main'"
    assert expr.describe(("set", "RUN_TESTS")) == "$RUN_TESTS is set"
    assert expr.describe(("changes", "src/**")) == "files matching 'src/**' change"
