"""The Terraform parser (tree-sitter-hcl) against a second, independent one (python-hcl2).

Over a varied corpus of configurations (tests/terraform/corpus: 0.11 and 0.12+ syntax, heredocs,
escapes, dynamic blocks, nested blocks, comments, module calls, moved/removed/import blocks),
both must see the same blocks with the same labels, the same attributes and nested blocks, and
the same literal values; where python-hcl2 sees an expression, ours must not see a literal.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from regress.kinds.terraform import hcl

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.tf"))


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == '"' and text[-1] == '"' else text


def _theirs_blocks(data: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """(block type, labels…) → body, from python-hcl2's nested label dictionaries."""
    labels_per_type = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for btype, entries in data.items():
        if btype.startswith("__"):
            continue
        for entry in entries:
            depth = labels_per_type.get(btype, 0)
            _walk_labels(out, (btype,), entry, depth)
    return out


def _walk_labels(out: dict[tuple[str, ...], dict[str, Any]], key: tuple[str, ...], node: Any, depth: int) -> None:
    if depth == 0:
        out[key] = node
        return
    for label, sub in node.items():
        if label.startswith("__"):
            continue
        _walk_labels(out, (*key, _unquote(label)), sub, depth - 1)


def _ours_blocks(body: hcl.Body) -> dict[tuple[str, ...], hcl.Body]:
    return {(b.type, *b.labels): b.body for b in body.blocks}


def _compare_body(ours: hcl.Body, theirs: dict[str, Any], where: str) -> None:
    their_attrs = {k: v for k, v in theirs.items() if not k.startswith("__") and not _is_blocks(v)}
    their_blocks = {k: v for k, v in theirs.items() if not k.startswith("__") and _is_blocks(v)}
    our_attrs = {a.name: a.expr for a in ours.attributes}
    our_blocks: dict[tuple[str, ...], list[hcl.Body]] = {}
    for b in ours.blocks:
        our_blocks.setdefault((b.type, *b.labels), []).append(b.body)
    their_labelled: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for name, entries in their_blocks.items():
        for entry in entries:
            labels, body = _labels_of(entry)
            their_labelled.setdefault((name, *labels), []).append(body)
    assert set(our_attrs) == set(their_attrs), where
    assert {k: len(v) for k, v in our_blocks.items()} == {k: len(v) for k, v in their_labelled.items()}, where
    for name, expr in our_attrs.items():
        _compare_value(expr, their_attrs[name], f"{where}.{name}")
    for key, bodies in our_blocks.items():
        for i, (mine, theirs_block) in enumerate(zip(bodies, their_labelled[key], strict=True)):
            _compare_body(mine, theirs_block, f"{where}.{'/'.join(key)}[{i}]")


def _labels_of(entry: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """python-hcl2 writes a labelled nested block (``dynamic "x" {}``) as ``{'"x"': body}``."""
    labels: list[str] = []
    while "__is_block__" not in entry and len(entry) == 1:
        ((label, entry),) = entry.items()
        labels.append(_unquote(label))
    return tuple(labels), entry


def _is_blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and _block_like(v) for v in value)


def _block_like(value: dict[str, Any]) -> bool:
    return bool(value.get("__is_block__")) or (
        len(value) == 1 and isinstance(next(iter(value.values())), dict) and _block_like(next(iter(value.values())))
    )


def _compare_value(expr: Any, theirs: Any, where: str) -> None:
    if isinstance(theirs, str) and re.fullmatch(r"\$\{[0-9.]+[eE][+-]?[0-9]+\}", theirs):
        # python-hcl2 keeps an exponent number as expression text.
        assert isinstance(expr, hcl.Lit) and expr.value == float(theirs[2:-1]), where
        return
    if isinstance(theirs, str):
        interpolated = "${" in theirs.replace("$${", "")
        if interpolated or theirs.startswith('"<<') or not theirs.startswith('"'):
            # An expression (or a heredoc, or a bare keyword): ours must not be a plain literal
            # unless the expression is a template without interpolation.
            if interpolated and not theirs.startswith('"<<'):
                assert not isinstance(expr, hcl.Lit), where
            return
        literal = _unquote(theirs)
        if "\\" in literal or "$${" in literal:
            return  # escapes are compared by the unit tests of the parser
        assert isinstance(expr, hcl.Lit), where
        assert expr.value == literal, where
        return
    if isinstance(theirs, bool) or theirs is None:
        assert isinstance(expr, hcl.Lit) and expr.value is theirs, where
        return
    if isinstance(theirs, (int, float)):
        value = expr.value if isinstance(expr, hcl.Lit) else None
        if isinstance(expr, hcl.Unary) and isinstance(expr.operand, hcl.Lit):
            value = -expr.operand.value if expr.op == "-" else None
        assert value == theirs, where
        return
    if isinstance(theirs, list):
        assert isinstance(expr, hcl.TupleExpr), where
        assert len(expr.items) == len(theirs), where
        for i, (mine, their_item) in enumerate(zip(expr.items, theirs, strict=True)):
            _compare_value(mine, their_item, f"{where}[{i}]")
        return
    if isinstance(theirs, dict):
        assert isinstance(expr, hcl.ObjectExpr), where
        mine = {hcl.render(k).strip('"'): v for k, v in expr.items}
        their_items = {_unquote(k): v for k, v in theirs.items() if not k.startswith("__")}
        assert set(mine) == set(their_items), where
        for k, v in mine.items():
            _compare_value(v, their_items[k], f"{where}.{k}")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_both_parsers_agree(path: Path) -> None:
    text = path.read_text()
    ours = hcl.parse(text)
    assert ours.errors == ()
    theirs = _theirs_blocks(hcl2.loads(text))
    mine = _ours_blocks(ours.body)
    assert set(mine) == set(theirs)
    for key, body in mine.items():
        _compare_body(body, theirs[key], "/".join(key))


def test_corpus_is_varied() -> None:
    """The cross-check means something only if the corpus exercises the syntax."""
    text = "\n".join(p.read_text() for p in FILES)
    for feature in (
        "<<-EOT",
        "<<EOF",
        "dynamic ",
        "${",
        "/*",
        "//",
        "\\u00e9",
        "moved {",
        "removed {",
        "import {",
        "? ",
    ):
        assert feature in text, feature
    assert len(FILES) >= 10
