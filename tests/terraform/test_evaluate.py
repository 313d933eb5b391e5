"""Evaluation of Terraform expressions."""

from __future__ import annotations

from typing import Any

from regress.kinds.terraform import hcl
from regress.kinds.terraform.evaluate import Scope, evaluate
from regress.kinds.terraform.values import Choice, Unknown, branches


def ev(text: str, variables: dict[str, Any] | None = None, local_exprs: str = "") -> Any:
    locals_ = {a.name: a.expr for a in hcl.parse(local_exprs).body.attributes} if local_exprs else {}
    return evaluate(hcl.parse_expression(text), Scope(variables or {}, locals_))


def test_literals_templates_and_variables() -> None:
    assert ev('"a-${var.x}"', {"x": "b"}) == "a-b"
    assert ev("var.missing") == Unknown("var.missing")
    assert ev('"${var.p}-logs"') == Unknown('"${var.p}-logs"')


def test_locals_refer_to_each_other_and_cycles_stay_unknown() -> None:
    assert ev("local.b", local_exprs="a = 2\nb = local.a * 3\n") == 6
    assert ev("local.a", local_exprs="a = local.b\nb = local.a\n") == Unknown("local.a")


def test_common_functions() -> None:
    assert ev("merge({a = 1}, {b = 2}, {a = 3})") == {"a": 3, "b": 2}
    assert ev('concat(["a"], ["b"])') == ["a", "b"]
    assert ev('lookup({a = 1}, "b", 7)') == 7
    assert ev('coalesce("", "x")') == "x"
    assert ev("try(var.nope, 5)") == Unknown("try(var.nope, 5)")
    assert ev('toset(["b", "a", "b"])') == ["a", "b"]
    assert ev('format("%s-%d", "a", 3)') == "a-3"
    assert ev('map("k", "v")') == {"k": "v"}
    assert ev('jsondecode("{\\"a\\": [1]}")') == {"a": [1]}


def test_jsonencode_keeps_unknown_parts_as_placeholders() -> None:
    assert ev("jsonencode({b = 1, a = aws_s3_bucket.x.arn})") == '{"a":"${aws_s3_bucket.x.arn}","b":1}'


def test_toggles_take_their_default() -> None:
    assert ev("var.create ? 1 : 0", {"create": False}) == 0
    assert ev("var.create ? 1 : 0") == Choice("var.create", 1, 0)


def test_environment_conditions_keep_both_branches_even_with_a_default() -> None:
    value = ev('var.env == "production" ? 0 : 365', {"env": "staging"})
    assert value == Choice('var.env == "production"', 0, 365)
    assert list(branches(value)) == [
        ('when var.env == "production"', 0),
        ('when not (var.env == "production")', 365),
    ]
    assert ev('terraform.workspace == "live" ? 30 : 3') == Choice('terraform.workspace == "live"', 30, 3)
    assert ev('var.env == "production"') == Choice('var.env == "production"', True, False)


def test_conditions_with_equal_branches_collapse() -> None:
    assert ev('var.env == "production" ? 7 : 7') == 7


def test_comparisons_keep_types_apart() -> None:
    # Terraform docs, "Equality Operators": values of different types are never equal.
    assert ev('1 == "1"') is False
    assert ev("1 == 1.0") is True
    assert ev('"a" != "b"') is True
    assert ev("2 > 1 && !false") is True
