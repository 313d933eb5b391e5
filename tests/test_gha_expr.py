"""The three-valued GitHub expression evaluator: what it proves false, what it leaves unknown."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regress.kinds.github import expr
from regress.kinds.github.handler import job_events, parse_triggers

ANY = expr.Env(expr.event_contexts(None))


@pytest.mark.parametrize(
    "text",
    ["false", "${{ false }}", "0", "0.0", "''", "${{ false && github.actor == 'x' }}", "null", "!true"],
)
def test_constant_false_conditions(text: str) -> None:
    assert expr.condition_truth(text, ANY) is False


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("github.event_name == 'push'", expr.UNKNOWN),
        ("true", True),
        ("${{ false }} && x", True),  # a string template around ${{ }} is always truthy
        ("always()", True),
        ("contains(github.event.pull_request.labels.*.name, 'ci')", expr.UNKNOWN),
        ("startsWith('Refs/Heads/main', 'refs/heads/')", True),  # string comparison ignores case
        ("'3' == 3", True),  # different types compare as numbers
        ("!cancelled()", True),
    ],
)
def test_values_in_an_unknown_environment(text: str, want: object) -> None:
    assert expr.condition_truth(text, ANY) is want


def test_event_specific_conditions() -> None:
    pr = expr.Env(expr.event_contexts("pull_request"))
    push = expr.Env(expr.event_contexts("push"))
    assert expr.condition_truth("github.event_name == 'push'", pr) is False
    assert expr.condition_truth("github.event_name == 'push'", push) is True
    # On pull_request the ref is refs/pull/<n>/merge, never a branch ref.
    assert expr.condition_truth("github.ref == 'refs/heads/main'", pr) is False
    assert expr.condition_truth("startsWith(github.ref, 'refs/tags/')", pr) is False
    assert expr.condition_truth("github.ref == 'refs/heads/main'", push) is expr.UNKNOWN


def test_status_functions_after_a_failure() -> None:
    needs = {"test": {"result": "failure"}}
    failed = expr.Env(expr.event_contexts(None, {"needs": needs}), success=False, failure=True)
    assert expr.condition_truth("github.ref == 'refs/heads/main'", failed) is False  # implicit success()
    assert expr.condition_truth("always() && github.ref == 'refs/heads/main'", failed) is expr.UNKNOWN
    assert expr.condition_truth("always() && needs.test.result == 'success'", failed) is False
    assert expr.condition_truth("always() && !contains(needs.*.result, 'failure')", failed) is False
    assert expr.condition_truth("failure()", failed) is True


def test_matrix_values() -> None:
    ctx = {"matrix": {"python": "3.15-dev", "__default__": None}}
    assert expr.value_truth("${{ matrix.python == '3.15-dev' }}", ctx) is True
    assert expr.value_truth("${{ matrix.experimental }}", ctx) is False  # missing key is null
    assert expr.value_truth(True, ctx) is True
    assert expr.value_truth("${{ endsWith(matrix.python, '-dev') }}", ctx) is True


def test_job_events_intersect_triggers_with_the_condition() -> None:
    triggers = parse_triggers(["push", "pull_request", "schedule"])
    assert job_events(triggers, None) == {"push", "pull_request", "schedule"}
    assert job_events(triggers, "github.event_name != 'pull_request'") == {"push", "schedule"}
    assert job_events(triggers, "${{ github.event_name == 'push' || github.event_name == 'schedule' }}") == {
        "push",
        "schedule",
    }
    assert job_events(triggers, "false") == frozenset()


def test_unparsable_text_is_unknown() -> None:
    assert expr.condition_truth("github.event_name ==", ANY) is expr.UNKNOWN
    with pytest.raises(expr.ExprError):
        expr.parse_condition("(a")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abc.()[]!=&|'*,01 -_$`{}", max_size=60))
def test_evaluator_never_raises_on_arbitrary_text(text: str) -> None:
    result = expr.condition_truth(text, ANY)
    assert result in (True, False, expr.UNKNOWN)
