"""The HCL parser: expressions, templates, heredocs, positions and errors."""

from __future__ import annotations

from regress.kinds.terraform import hcl


def attr(text: str) -> hcl.Attribute:
    parsed = hcl.parse(text)
    assert parsed.errors == ()
    found = parsed.body.attributes[0]
    return found


def test_interpolation_alone_is_the_expression_itself() -> None:
    assert attr('x = "${var.a}"\n').expr == hcl.Ref("var", ("a",))
    assert attr("x = var.a\n").expr == hcl.Ref("var", ("a",))


def test_template_keeps_the_spaces_around_interpolations() -> None:
    expr = attr('x = "a ${var.b} c"\n').expr
    assert expr == hcl.Template(("a ", hcl.Ref("var", ("b",)), " c"))


def test_escapes_and_literal_dollar_braces() -> None:
    expr = attr('x = "q\\"x\\ty $${lit} %%{lit}"\n').expr
    assert expr == hcl.Lit('q"x\ty ${lit} %{lit}')


def test_indented_heredoc_strips_the_common_indent() -> None:
    text = "x = <<-EOT\n    first ${var.a}\n      second\n    EOT\n"
    assert attr(text).expr == hcl.Template(("first ", hcl.Ref("var", ("a",)), "\n  second\n"))


def test_numbers_bools_null_and_negatives() -> None:
    assert attr("x = 1.5e3\n").expr == hcl.Lit(1500)
    assert attr("x = 1e3\n").expr == hcl.Lit(1000)
    assert attr("x = 0.25\n").expr == hcl.Lit(0.25)
    assert attr("x = true\n").expr == hcl.Lit(True)
    assert attr("x = null\n").expr == hcl.Lit(None)
    assert attr("x = -1\n").expr == hcl.Unary("-", hcl.Lit(1))


def test_traversals_with_indexes_and_legacy_index() -> None:
    assert attr("x = aws_instance.a[0].id\n").expr == hcl.Ref("aws_instance", ("a", 0, "id"))
    assert attr("x = var.list.1\n").expr == hcl.Ref("var", ("list", 1))
    assert attr('x = local.m["k"]\n').expr == hcl.Ref("local", ("m", "k"))


def test_operators_conditionals_and_calls() -> None:
    expr = attr('x = var.env == "prod" ? max(1, 2) : 0\n').expr
    assert expr == hcl.Cond(
        hcl.Binary("==", hcl.Ref("var", ("env",)), hcl.Lit("prod")),
        hcl.Call("max", (hcl.Lit(1), hcl.Lit(2))),
        hcl.Lit(0),
    )
    assert attr("x = (var.a)\n").expr == hcl.Ref("var", ("a",))
    assert attr("x = !var.b\n").expr == hcl.Unary("!", hcl.Ref("var", ("b",)))


def test_for_and_splat_expressions_are_opaque_and_canonical() -> None:
    assert attr("x = [for s in var.l : upper(s)]\n").expr == hcl.Opaque("[for s in var.l : upper(s)]")
    assert attr("x = var.l[*].id\n").expr == hcl.Opaque("var.l[*].id")


def test_object_keys_are_literal_strings() -> None:
    expr = attr('x = { a = 1, "b c" = 2 }\n').expr
    assert expr == hcl.ObjectExpr(((hcl.Lit("a"), hcl.Lit(1)), (hcl.Lit("b c"), hcl.Lit(2))))


def test_blocks_labels_and_lines() -> None:
    parsed = hcl.parse(
        '\n# comment\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n  versioning {\n    enabled = true\n  }\n}\n'
    )
    block = parsed.body.blocks[0]
    assert (block.type, block.labels, block.line) == ("resource", ("aws_s3_bucket", "b"), 3)
    assert [(a.name, a.line) for a in block.body.attributes] == [("bucket", 4)]
    assert block.body.blocks[0].body.attributes[0].line == 6


def test_render_is_the_same_for_fmt_and_interpolation_cleanup() -> None:
    a = attr('x = "${element( var.list ,0 )}"\n').expr
    b = attr("x = element(var.list, 0)\n").expr
    assert hcl.render(a) == hcl.render(b) == "element(var.list, 0)"


def test_syntax_errors_are_returned_with_a_line() -> None:
    parsed = hcl.parse('resource "a" "b" {\n  x = [1, 2\n}\n')
    assert parsed.errors
    assert parsed.errors[0].line in (2, 3)
