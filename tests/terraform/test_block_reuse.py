"""The other side of a changed file reuses converted blocks: the result is what parsing it alone
gives, however the blocks moved, and a moved block is not converted again."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tree_sitter import Parser, Tree

from regress.kinds.base import LoadContext, ParseCache, Unit
from regress.kinds.terraform import hcl
from regress.kinds.terraform.handler import TerraformHandler
from regress.model import Side
from regress.source.folder import FolderSnapshot

BLOCKS = [
    'resource "aws_s3_bucket" "logs" {\n  bucket = "${var.prefix}-logs"\n  tags   = merge(var.tags, { a = 1 })\n}\n',
    'resource "aws_security_group" "web" {\n'
    '  name = "web"\n'
    '  dynamic "ingress" {\n'
    "    for_each = var.rules\n"
    "    content {\n"
    "      from_port = ingress.value.port\n"
    '      cidr_blocks = ["10.0.0.0/8"]\n'
    "    }\n"
    "  }\n"
    "}\n",
    'data "aws_iam_policy_document" "p" {\n  statement {\n    actions = ["s3:GetObject"]\n  }\n}\n',
    "locals {\n  doc = <<-EOT\n    line one\n      ${var.x}\n    EOT\n  n = 3\n}\n",
    'output "id" {\n  value = aws_s3_bucket.logs.id\n}\n',
]
BASE = "\n".join(BLOCKS)
EDITED = BLOCKS[0].replace('"${var.prefix}-logs"', '"logs"')
NEW = 'variable "v" {\n  default = 1\n}\n'

HEADS = {
    "lines added above everything": "# managed by terraform\n\n" + BASE,
    "blocks reordered": "\n".join(reversed(BLOCKS)),
    "one block edited, the rest shifted": "\n".join(
        [
            BLOCKS[0].replace("tags   = merge(var.tags, { a = 1 })", "tags = var.tags\n  force_destroy = true"),
            *BLOCKS[1:],
        ]
    ),
    "a block with a syntax error among moved ones": "\n".join(['resource "x" "y" {\n  a = \n}\n', *BLOCKS]),
    # A block's exact text where it is no block: the stretch before it does not parse alone, so
    # the whole file is parsed and the text is read as what it is there.
    "a block's text inside a heredoc": "\n".join([*BLOCKS[:4], "locals {\n  doc = <<EOT\n" + BLOCKS[4] + "EOT\n}\n"]),
    "a block's text inside a comment": "\n".join([*BLOCKS[:4], "/*\n" + BLOCKS[4] + "*/\n"]),
    "a block's text nested in another, unindented": "\n".join([*BLOCKS[:4], 'module "m" {\n' + BLOCKS[4] + "}\n"]),
    "a block's text inside a multi-line string": BLOCKS[0] + 'locals {\n  s = "a\n' + BLOCKS[4] + '"\n}\n',
    "a comment after a block's closing brace": "\n".join([*BLOCKS[1:], BLOCKS[0].replace("}\n", "} # logs\n")]),
    "reordered, one edited, a new one added": "\n".join([BLOCKS[3], EDITED, NEW, *BLOCKS[1:3]]),
    # Alone, "{ }" parses as a whole-file object; between blocks it is a syntax error.
    "braces after the blocks": BASE + "\n{\n}\n",
    "CRLF line ends, reordered": "\r\n".join(b.replace("\n", "\r\n") for b in reversed(BLOCKS)),
}


@pytest.mark.parametrize("name", sorted(HEADS))
def test_reused_blocks_equal_a_fresh_parse(name: str) -> None:
    head = HEADS[name]
    reuse = hcl.Reuse()
    assert hcl.parse(BASE, reuse, "main.tf") == hcl.parse(BASE)
    assert hcl.parse(head, reuse, "main.tf") == hcl.parse(head)


def test_a_moved_block_is_shifted_not_converted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    reuse = hcl.Reuse()
    hcl.parse(BASE, reuse, "main.tf")
    converted: list[str] = []
    original = hcl._Converter._block

    def counting(self: hcl._Converter, node: hcl.Node, depth: int, digest: str, source: bytes) -> hcl.Block | None:
        if depth == 0:
            converted.append(source.split(b"\n", 1)[0].decode())
        return original(self, node, depth, digest, source)

    monkeypatch.setattr(hcl._Converter, "_block", counting)
    shifted = hcl.parse(HEADS["lines added above everything"], reuse, "main.tf")
    assert converted == []
    assert [b.line for b in shifted.body.blocks] == [3, 8, 19, 25, 33]
    edited = hcl.parse(HEADS["one block edited, the rest shifted"], hcl.Reuse(by_source=reuse.by_source))
    assert converted == ['resource "aws_s3_bucket" "logs" {']
    assert [b.line for b in edited.body.blocks] == [1, 7, 18, 24, 32]


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record what tree-sitter is asked to parse from now on."""
    seen: list[bytes] = []
    real = Parser

    class Recording:
        def __init__(self, language: object) -> None:
            self.parser = real(language)  # type: ignore[arg-type]

        def parse(self, data: bytes, *old_tree: Tree) -> Tree:
            seen.append(data)
            return self.parser.parse(data, *old_tree)

    monkeypatch.setattr(hcl, "Parser", Recording)
    return seen


def test_reordered_blocks_are_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    reuse = hcl.Reuse()
    hcl.parse(BASE, reuse, "main.tf")
    seen = _parses(monkeypatch)
    reordered = hcl.parse(HEADS["blocks reordered"], reuse, "main.tf")
    assert seen == []
    assert [b.line for b in reordered.body.blocks] == [1, 5, 13, 19, 30]


def test_only_the_text_between_reused_blocks_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    reuse = hcl.Reuse()
    hcl.parse(BASE, reuse, "main.tf")
    seen = _parses(monkeypatch)
    hcl.parse(HEADS["reordered, one edited, a new one added"], reuse, "main.tf")
    assert seen == [f"\n\n{EDITED}\n{NEW}\n".encode()]


def test_a_stretch_that_does_not_parse_alone_makes_the_whole_file_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    reuse = hcl.Reuse()
    hcl.parse(BASE, reuse, "main.tf")
    seen = _parses(monkeypatch)
    head = HEADS["a block's text inside a heredoc"]
    hcl.parse(head, reuse, "main.tf")
    assert seen[-1] == head.encode()


_PIECES = [
    *BLOCKS,
    EDITED,
    NEW,
    "# a comment\n",
    "\n",
    "/* open\n",
    "*/\n",
    "x = <<EOT\n",
    "EOT\n",
    'module "m" {\n',
    "}\n",
    "{\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.booleans())
def test_any_arrangement_reads_as_a_fresh_parse_does(pieces: list[str], crlf: bool) -> None:
    """Blocks shuffled, repeated, dropped, and wrapped in comments, heredocs or other blocks:
    reusing the earlier version's blocks never changes what the file reads as."""
    base, head = BASE, "".join(pieces)
    if crlf:
        base, head = base.replace("\n", "\r\n"), head.replace("\n", "\r\n")
    reuse = hcl.Reuse()
    hcl.parse(base, reuse, "main.tf")
    assert hcl.parse(head, reuse, "main.tf") == hcl.parse(head)


def test_a_moved_block_shares_its_evaluated_body_and_reports_its_new_lines(tmp_path: Path) -> None:
    """Both sides load through one cache (as a diff does); the head's resource and variable only
    moved down, so their bodies are evaluated once, and their lines are still the head's."""
    unmoved = BLOCKS[0] + '\nvariable "prefix" {\n  default = "x"\n}\n'
    for side, text in (("base", unmoved), ("head", "# moved\n\n\n" + unmoved)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text)
    cache = ParseCache()
    handler = TerraformHandler()
    loaded = {}
    for side in Side:
        ctx = LoadContext(FolderSnapshot(tmp_path / side.value), side, cache)
        objects = handler.load(Unit("terraform", ""), ctx).objects
        loaded[side] = {o.label: o for o in objects}
    base, head = loaded[Side.BASE], loaded[Side.HEAD]
    for label in ("aws_s3_bucket.logs", "var.prefix"):
        assert head[label].body is base[label].body
    assert base["aws_s3_bucket.logs"].origin.locate(("tags",), Side.BASE).line == 3
    assert head["aws_s3_bucket.logs"].origin.locate(("tags",), Side.HEAD).line == 6
    assert head["aws_s3_bucket.logs"].origin.locate(("nothing",), Side.HEAD).line == 4
    assert head["var.prefix"].origin.locate(("default",), Side.HEAD).line == 10


def test_whitespace_inside_a_value_is_part_of_the_block() -> None:
    """A block whose only change is whitespace inside a heredoc (re-indented YAML, where
    indentation is meaning) or a string is a changed block, not the one converted before."""
    base = 'resource "x" "a" {\n  data = <<-EOT\n    a:\n      b: 1\n  EOT\n  name = "a b"\n}\n'
    head = 'resource "x" "a" {\n  data = <<-EOT\n    a:\n    b: 1\n  EOT\n  name = "a  b"\n}\n'
    reuse = hcl.Reuse()
    hcl.parse(base, reuse, "main.tf")
    other = hcl.parse(head, reuse, "main.tf")
    assert other == hcl.parse(head)
    attrs = {a.name: a.expr for a in other.body.blocks[0].body.attributes}
    assert attrs == {"data": hcl.Lit("a:\nb: 1\n"), "name": hcl.Lit("a  b")}
