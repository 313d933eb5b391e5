"""The other side of a changed file reuses converted blocks: the result is what parsing it alone
gives, however the blocks moved, and a moved block is not converted again."""

from __future__ import annotations

import pytest

from regress.kinds.terraform import hcl

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
    edited = hcl.parse(HEADS["one block edited, the rest shifted"], hcl.Reuse(blocks={}, by_source=reuse.by_source))
    assert converted == ['resource "aws_s3_bucket" "logs" {']
    assert [b.line for b in edited.body.blocks] == [1, 7, 18, 24, 32]
