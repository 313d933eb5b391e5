"""HCL native syntax (``.tf``, ``.tfvars``) to a small syntax tree with a line for every attribute.

Parsing is done by tree-sitter-hcl, chosen by ``benchmarks/hcl_parsers.py`` (see
docs/benchmarks.md): it parses at several MB/s and gives a position for every node, where
python-hcl2 8.x is an order of magnitude slower and has no line numbers (its ``with_meta`` is an
unwired stub, amplify-education/python-hcl2#291). python-hcl2 is kept as a cross-check in the
tests (tests/terraform/test_parser_crosscheck.py).

The tree keeps what evaluation and rules need: blocks with labels, attributes with their line, and
expressions as value nodes (compared and hashed by value, never changed once built: a changed
copy is made with ``dataclasses.replace``). Anything the evaluator does not model (``for``
expressions, splats, template directives) is an ``Opaque`` node whose text is the source with
whitespace collapsed, so ``terraform fmt`` never changes it. Template literals are rebuilt from
the source bytes, not from tree-sitter's ``template_literal`` nodes, which leave out the spaces
next to an interpolation.

The second side of a changed file reuses the first side's work (``Reuse``): blocks shared byte
for byte are taken converted, and only the text between them is parsed (``_spliced``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser, Tree

#: The tree-sitter grammar (public for the benchmarks, which time the bare parser).
LANGUAGE = Language(tree_sitter_hcl.language())

# -- expressions ------------------------------------------------------------------------------------
#
# The node classes are not ``frozen``: a frozen dataclass sets each field through
# ``object.__setattr__``, which made building the nodes of a changed module about a tenth slower.
# ``unsafe_hash`` keeps them hashable by value; nothing assigns to a field after construction.


@dataclass(slots=True, unsafe_hash=True)
class Lit:
    value: str | int | float | bool | None


@dataclass(slots=True, unsafe_hash=True)
class Template:
    """A string with interpolations: literal parts are ``str``, the rest expressions."""

    parts: tuple[Any, ...]


@dataclass(slots=True, unsafe_hash=True)
class Ref:
    """A traversal such as ``var.x``, ``aws_s3_bucket.b.id`` or ``local.m["k"]``: steps are names
    (``str``), literal indexes (``int``) or index expressions."""

    root: str
    steps: tuple[Any, ...]


@dataclass(slots=True, unsafe_hash=True)
class Call:
    name: str
    args: tuple[Any, ...]
    #: ``f(a, b...)``: the last argument is expanded.
    expand: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Cond:
    pred: Any
    yes: Any
    no: Any


@dataclass(slots=True, unsafe_hash=True)
class Binary:
    op: str
    left: Any
    right: Any


@dataclass(slots=True, unsafe_hash=True)
class Unary:
    op: str
    operand: Any


@dataclass(slots=True, unsafe_hash=True)
class TupleExpr:
    items: tuple[Any, ...]


@dataclass(slots=True, unsafe_hash=True)
class ObjectExpr:
    items: tuple[tuple[Any, Any], ...]


@dataclass(slots=True, unsafe_hash=True)
class Opaque:
    """An expression the evaluator does not model; ``text`` is canonical (whitespace collapsed)."""

    text: str


Expr = Lit | Template | Ref | Call | Cond | Binary | Unary | TupleExpr | ObjectExpr | Opaque

# -- bodies -----------------------------------------------------------------------------------------


@dataclass(slots=True, unsafe_hash=True)
class Attribute:
    name: str
    expr: Expr
    #: 1-based line of the attribute's name.
    line: int


@dataclass(slots=True, unsafe_hash=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    line: int
    #: ``source_key`` of the block's exact text ("" when unknown): equal hashes mean an equal
    #: block, whatever file or line it is on. Exact, not with whitespace collapsed: whitespace
    #: inside a string or heredoc is part of a value (indentation in a YAML heredoc).
    source_hash: str = ""
    #: The ``var.x`` and ``local.y`` names the block's source mentions.
    reads: tuple[str, ...] = ()


@dataclass(slots=True, unsafe_hash=True)
class Body:
    items: tuple[Attribute | Block, ...]

    @property
    def attributes(self) -> list[Attribute]:
        return [i for i in self.items if isinstance(i, Attribute)]

    @property
    def blocks(self) -> list[Block]:
        return [i for i in self.items if isinstance(i, Block)]

    def attr(self, name: str) -> Attribute | None:
        found = None
        for i in self.items:
            if isinstance(i, Attribute) and i.name == name:
                found = i
        return found


@dataclass(slots=True, unsafe_hash=True)
class ParseError:
    line: int
    message: str


@dataclass(slots=True, unsafe_hash=True)
class HclFile:
    body: Body
    errors: tuple[ParseError, ...] = ()


#: ``var.x`` and ``local.y`` references, one pattern per prefix: a pattern that opens with a literal
#: is searched for that literal first, where an alternation (``\b(?:var|local)``) is tried at
#: every position (3-4x slower over a module's text).
_READS = (re.compile(rb"var\.[A-Za-z_][A-Za-z0-9_-]*"), re.compile(rb"local\.[A-Za-z_][A-Za-z0-9_-]*"))
_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _reads(source: bytes) -> tuple[str, ...]:
    """The variables and locals ``source`` mentions (a match inside a longer word is none)."""
    found: set[str] = set()
    for pattern in _READS:
        for m in pattern.finditer(source):
            start = m.start()
            if start == 0 or source[start - 1] not in _WORD:
                found.add(m.group().decode("utf-8", "replace"))
    return tuple(sorted(found))


def source_key(source: bytes) -> str:
    """A block's identity by its exact text: equal keys mean the same syntax tree, up to lines."""
    return hashlib.blake2b(source, digest_size=16).hexdigest()


_INT_EXPONENT = re.compile(rb"(?<![\w.\"])([0-9]+)([eE][+-]?[0-9]+)(?![\w.])")

#: Nesting beyond this is refused (an expression nested this deep is no configuration); it keeps
#: the recursive conversion well inside Python's recursion limit.
MAX_DEPTH = 120


class _TooDeep(Exception):
    pass


@dataclass
class Reuse:
    """Work one side of a change can hand to the other (one per run, both sides).

    - The tree-sitter tree of each path: the other side's version of the file is parsed
      incrementally (tree-sitter re-parses only around the edited region).
    - Converted top-level blocks by their exact source: a block the change did not touch, at
      its line or further up or down (lines added above it, blocks reordered), is converted once
      and shifted (``_shifted``).
    """

    trees: dict[str, tuple[bytes, Tree]] = field(default_factory=dict)
    by_source: dict[str, Block] = field(default_factory=dict)


def parse(text: str, reuse: Reuse | None = None, path: str = "") -> HclFile:
    """Parse HCL native syntax. Never raises: syntax errors are returned with the tree that
    tree-sitter recovered around them."""
    data = text.encode("utf-8", "surrogateescape")
    previous = reuse.trees.pop(path, None) if reuse is not None and path else None
    if previous is not None and reuse is not None:
        spliced = _spliced(previous, data, reuse.by_source)
        if spliced is not None:
            return HclFile(spliced)
    tree = _incremental(previous, data) if previous is not None else Parser(LANGUAGE).parse(data)
    if reuse is not None and path and previous is None:
        # Kept for the other side's version of the file, which takes it (sides load in turn).
        reuse.trees[path] = (data, tree)
    root = tree.root_node
    if root.has_error and _INT_EXPONENT.search(data):
        # tree-sitter-hcl 1.2 rejects an integer with an exponent (`1e3`) although HCL allows it
        # (hashicorp/hcl hclsyntax spec: NumericLit); found by the python-hcl2 cross-check.
        # Retry with `1.0e3`, which changes no line and no value.
        retried = _INT_EXPONENT.sub(rb"\1.0\2", data)
        tree2 = Parser(LANGUAGE).parse(retried)
        if not tree2.root_node.has_error:
            data, tree, root = retried, tree2, tree2.root_node
    errors = _errors(root) if root.has_error else []
    conv = _Converter(data, reuse.by_source if reuse is not None else None)
    try:
        body = conv.config(root)
    except (_TooDeep, RecursionError):
        return HclFile(Body(()), (ParseError(1, f"nesting deeper than {MAX_DEPTH} levels"),))
    return HclFile(body, tuple(errors))


#: A line that may open a top-level block: it starts with an identifier in the first column.
_BLOCK_START = re.compile(rb"^[A-Za-z_][^\n]*", re.M)


def _spliced(previous: tuple[bytes, Tree], data: bytes, by_source: dict[str, Block]) -> Body | None:
    """The other side of a file assembled from the blocks it shares with ``previous``, parsing
    only the text between them; None when that cannot be done safely (the caller parses).

    Incremental parsing re-parses one edited span; blocks reordered or several edits far apart
    make that span the whole file. Here every top-level block of the earlier version whose exact
    text starts a line and ends one on this side is taken as converted before (shifted to its
    new line), and each stretch between such blocks is parsed on its own. That is sound when
    every stretch parses without an error: the text before a reused block is then a complete
    sequence of top-level items, so the block is not inside a heredoc, a comment, a string or
    another block, and its bytes mean what they meant before.
    """
    old_data, old_tree = previous
    by_first_line: dict[bytes, list[tuple[bytes, Block]]] = {}
    for body in old_tree.root_node.children:
        if body.type != "body":
            continue
        for node in body.children:
            if node.type != "block" or node.has_error:
                continue
            source = old_data[node.start_byte : node.end_byte]
            block = by_source.get(source_key(source))
            if block is not None:
                by_first_line.setdefault(source.split(b"\n", 1)[0], []).append((source, block))
    if not by_first_line:
        return None
    items: list[Attribute | Block] = []
    cursor, line = 0, 0  # text before ``cursor`` is done; ``line`` is the 0-based line of ``cursor``
    reused = 0
    for m in _BLOCK_START.finditer(data):
        start = m.start()
        if start < cursor:
            continue
        found = _reused_at(data, start, by_first_line.get(m.group(), []))
        if found is None:
            continue
        block, end = found
        if not _splice_gap(data, cursor, start, items, line):
            return None
        line += data.count(b"\n", cursor, start)
        items.append(_shifted(block, line + 1 - block.line))
        line += data.count(b"\n", start, end)
        cursor = end
        reused += 1
    if not reused:
        return None
    if not _splice_gap(data, cursor, len(data), items, line):
        return None
    return Body(tuple(items))


def _reused_at(data: bytes, start: int, candidates: list[tuple[bytes, Block]]) -> tuple[Block, int] | None:
    """The earlier block whose whole text is at ``start`` and ends a line, with where it ends.
    A block is taken once (removed from ``candidates``): blocks that open with the same line
    (``moved {``, ``locals {``) are many in some files, and in the usual order the first of them
    is the one, so the search stays linear; a repeated copy is parsed instead."""
    for i, (source, block) in enumerate(candidates):
        end = start + len(source)
        if data.startswith(source, start) and (end == len(data) or data[end] in b"\r\n"):
            del candidates[i]
            return block, end
    return None


def _splice_gap(data: bytes, start: int, end: int, items: list[Attribute | Block], line: int) -> bool:
    """Parse ``data[start:end]`` (which begins on 0-based ``line``) alone and add its items;
    False when it does not parse cleanly."""
    gap = data[start:end]
    if not gap.strip():
        return True
    root = Parser(LANGUAGE).parse(gap).root_node
    # Alone, a stretch may also parse as a whole-file object (``{ … }``, which tree-sitter-hcl
    # accepts as a file's root); only body items and comments can stand between blocks.
    if root.has_error or any(c.type not in ("body", "comment") for c in root.children):
        return False
    try:
        body = _Converter(gap).config(root)
    except (_TooDeep, RecursionError):
        return False
    for item in body.items:
        items.append(replace(item, line=item.line + line) if isinstance(item, Attribute) else _shifted(item, line))
    return True


def _incremental(previous: tuple[bytes, Tree], data: bytes) -> Tree:
    """Parse ``data`` reusing the tree of an earlier version of the same file: the differing
    middle (after the common prefix, before the common suffix) is declared as one edit."""
    old_data, old_tree = previous
    start, old_end, new_end = _edit_span(old_data, data)
    tree = old_tree.copy()
    tree.edit(
        start_byte=start,
        old_end_byte=old_end,
        new_end_byte=new_end,
        start_point=_point(old_data, start),
        old_end_point=_point(old_data, old_end),
        new_end_point=_point(data, new_end),
    )
    return Parser(LANGUAGE).parse(data, tree)


def _edit_span(old: bytes, new: bytes) -> tuple[int, int, int]:
    a, b = memoryview(old), memoryview(new)
    limit = min(len(a), len(b))
    lo, hi = 0, limit  # the longest common prefix, by bisection on slice comparisons (memcmp)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, len(a) - lo, len(b) - lo


def _point(data: bytes, offset: int) -> tuple[int, int]:
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)


def parse_expression(text: str) -> Expr:
    """One expression (a ``.tf.json`` template string, a test helper)."""
    parsed = parse(f"x = {text}\n")
    attr = parsed.body.attr("x")
    if attr is None or parsed.errors:
        return Opaque(" ".join(text.split()))
    return attr.expr


def _errors(root: Node) -> list[ParseError]:
    out: list[ParseError] = []
    stack = [root]
    while stack and len(out) < 5:
        node = stack.pop()
        if node.type == "ERROR":
            out.append(ParseError(node.start_point[0] + 1, f"syntax error near {_snippet(node)}"))
            continue
        if node.is_missing:
            out.append(ParseError(node.start_point[0] + 1, f"missing {node.type!r}"))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    if not out:
        out.append(ParseError(root.start_point[0] + 1, "syntax error"))
    out.sort(key=lambda e: e.line)
    return out


def _snippet(node: Node) -> str:
    raw = (node.text or b"").decode("utf-8", "replace")
    first = raw.strip().splitlines()[0] if raw.strip() else ""
    return repr(first[:40])


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_UNICODE_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)


def unescape(raw: str) -> str:
    """HCL quoted-string escapes, plus ``$${`` and ``%%{`` for a literal ``${``/``%{``."""

    def sub(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            try:
                return chr(int(code[1:], 16))
            except ValueError:
                return m.group(0)
        return _ESCAPES.get(code, m.group(0))

    out = _UNICODE_ESCAPE.sub(sub, raw) if "\\" in raw else raw
    return out.replace("$${", "${").replace("%%{", "%{")


class _Converter:
    def __init__(
        self,
        data: bytes,
        by_source: dict[str, Block] | None = None,
    ) -> None:
        self.data = data
        self.by_source = by_source

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")

    def canon(self, node: Node) -> str:
        return " ".join(self.text(node).split())

    # -- bodies ---------------------------------------------------------------------------------
    def config(self, root: Node) -> Body:
        for child in root.children:
            if child.type == "body":
                return self.body(child, 0)
        return Body(())

    def body(self, node: Node, depth: int) -> Body:
        if depth > MAX_DEPTH:
            raise _TooDeep
        items: list[Attribute | Block] = []
        for child in node.children:
            t = child.type
            if t == "attribute":
                attr = self.attribute(child, depth)
                if attr is not None:
                    items.append(attr)
            elif t == "block":
                block = self.block(child, depth)
                if block is not None:
                    items.append(block)
        return Body(tuple(items))

    def attribute(self, node: Node, depth: int) -> Attribute | None:
        name: str | None = None
        expr: Expr | None = None
        for child in node.children:
            if child.type == "identifier" and name is None:
                name = self.text(child)
            elif child.type == "expression":
                expr = self.expr(child, depth + 1)
        if name is None:
            return None
        return Attribute(name, expr if expr is not None else Opaque(""), node.start_point[0] + 1)

    def block(self, node: Node, depth: int) -> Block | None:
        if depth == 0:
            source = self.data[node.start_byte : node.end_byte]
            digest = source_key(source)
            # A block converted before from byte-identical source is shifted to this line: the
            # same text converts to the same syntax tree with every line moved by the same amount
            # (not for blocks with syntax errors: recovery may depend on context).
            ok = self.by_source is not None and not node.has_error
            seen = self.by_source.get(digest) if ok and self.by_source is not None else None
            if seen is not None:
                return _shifted(seen, node.start_point[0] + 1 - seen.line)
            found = self._block(node, depth, digest, source)
            if ok and self.by_source is not None and found is not None:
                self.by_source[digest] = found
            return found
        return self._block(node, depth, "", b"")

    def _block(self, node: Node, depth: int, digest: str, source: bytes) -> Block | None:
        btype: str | None = None
        labels: list[str] = []
        body = Body(())
        for child in node.children:
            t = child.type
            if t == "identifier":
                if btype is None:
                    btype = self.text(child)
                else:
                    labels.append(self.text(child))
            elif t == "string_lit":
                labels.append(self.string_lit(child))
            elif t == "body":
                body = self.body(child, depth + 1)
        if btype is None:
            return None
        reads = _reads(source) if digest else ()
        return Block(btype, tuple(labels), body, node.start_point[0] + 1, digest, reads)

    # -- expressions ----------------------------------------------------------------------------
    def expr(self, node: Node, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise _TooDeep
        t = node.type
        if t == "expression":
            children = [c for c in node.children if c.type != "comment"]
            if len(children) == 1:
                return self.expr(children[0], depth + 1)
            operands, ops = self.operands(children, depth)
            if len(operands) == 1 and not ops:
                single: Expr = operands[0]
                return single
            return Opaque(self.canon(node))
        if t == "literal_value":
            return self.literal(node)
        if t == "template_expr":
            return self.template(node.children[0], depth) if node.children else Opaque("")
        if t == "collection_value":
            return self.expr(node.children[0], depth + 1) if node.children else Opaque("")
        if t == "tuple":
            return TupleExpr(tuple(self.expr(c, depth + 1) for c in node.children if c.type == "expression"))
        if t == "object":
            return self.object(node, depth)
        if t == "variable_expr":
            return Ref(self.text(node), ())
        if t == "function_call":
            return self.call(node, depth)
        if t == "conditional":
            parts = [self.expr(c, depth + 1) for c in node.children if c.type == "expression"]
            if len(parts) == 3:
                return Cond(parts[0], parts[1], parts[2])
            return Opaque(self.canon(node))
        if t == "operation":
            return self.expr(node.children[0], depth + 1) if node.children else Opaque("")
        if t == "binary_operation":
            return self.binary(node, depth)
        if t == "unary_operation":
            operands, ops = self.operands(node.children, depth)
            if len(operands) == 1 and len(ops) == 1:
                return Unary(ops[0], operands[0])
            return Opaque(self.canon(node))
        if t in ("quoted_template", "heredoc_template"):
            return self.template(node, depth)
        return Opaque(self.canon(node))

    def literal(self, node: Node) -> Expr:
        child = node.children[0] if node.children else None
        if child is None:
            return Opaque("")
        t = child.type
        if t == "numeric_lit":
            return Lit(_number(self.text(child)))
        if t == "bool_lit":
            return Lit(self.text(child) == "true")
        if t == "null_lit":
            return Lit(None)
        if t == "string_lit":
            return Lit(self.string_lit(child))
        return Opaque(self.canon(node))

    def string_lit(self, node: Node) -> str:
        children = node.children
        if len(children) >= 2:
            raw = self.data[children[0].end_byte : children[-1].start_byte].decode("utf-8", "surrogateescape")
        else:
            raw = self.text(node).strip('"')
        return unescape(raw)

    def template(self, node: Node, depth: int) -> Expr:
        children = node.children
        heredoc = node.type == "heredoc_template"
        if heredoc:
            idents = [c for c in children if c.type == "heredoc_identifier"]
            if len(idents) < 2:
                return Opaque(self.canon(node))
            start = self.data.find(b"\n", idents[0].end_byte)
            start = idents[0].end_byte if start < 0 else start + 1
            end = idents[-1].start_byte
            # The closing marker may be indented: the content ends at the start of its line.
            line_start = self.data.rfind(b"\n", start, end)
            end = line_start + 1 if line_start >= 0 else start
            flush = any(c.type == "heredoc_start" and b"-" in (c.text or b"") for c in children)
        else:
            if len(children) < 2:
                return Lit("")
            start, end = children[0].end_byte, children[-1].start_byte
            flush = False
        parts: list[Any] = []
        pos = start
        for child in children:
            if child.start_byte < start or child.end_byte > end:
                continue
            if child.type == "template_interpolation":
                parts.append(self.raw(pos, child.start_byte, heredoc))
                inner = [c for c in child.children if c.type == "expression"]
                parts.append(self.expr(inner[0], depth + 1) if inner else Opaque(""))
                pos = child.end_byte
            elif child.type == "template_directive":
                # %{ if } / %{ for } directives: not evaluated, kept whole.
                return Opaque(self.canon(node))
        parts.append(self.raw(pos, end, heredoc))
        if flush:
            parts = _strip_indent(parts)
        merged = _merge_parts(parts)
        if not any(not isinstance(p, str) for p in merged):
            return Lit("".join(merged))
        if len(merged) == 1:
            # "${x}" is x itself, whatever its type (HCL: a template that is a single interpolation
            # returns the value unchanged): this is what makes 0.11 → 0.12 syntax silent.
            only: Expr = merged[0]
            return only
        return Template(tuple(merged))

    def raw(self, start: int, end: int, heredoc: bool) -> str:
        if end <= start:
            return ""
        text = self.data[start:end].decode("utf-8", "surrogateescape")
        return text.replace("$${", "${").replace("%%{", "%{") if heredoc else unescape(text)

    def object(self, node: Node, depth: int) -> Expr:
        items: list[tuple[Any, Any]] = []
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            exprs = [c for c in elem.children if c.type == "expression"]
            if len(exprs) != 2:
                continue
            key_node = exprs[0]
            key_children = [c for c in key_node.children if c.type != "comment"]
            key: Any
            if len(key_children) == 1 and key_children[0].type == "variable_expr":
                # A bare identifier as an object key is a literal string, not a reference.
                key = Lit(self.text(key_children[0]))
            else:
                key = self.expr(key_node, depth + 1)
            items.append((key, self.expr(exprs[1], depth + 1)))
        return ObjectExpr(tuple(items))

    def call(self, node: Node, depth: int) -> Expr:
        name = ""
        args: list[Any] = []
        expand = False
        for child in node.children:
            if child.type == "identifier":
                name = self.text(child)
            elif child.type == "function_arguments":
                for arg in child.children:
                    if arg.type == "expression":
                        args.append(self.expr(arg, depth + 1))
                    elif arg.type == "ellipsis":
                        expand = True
        return Call(name, tuple(args), expand)

    def binary(self, node: Node, depth: int) -> Expr:
        operands, ops = self.operands(node.children, depth)
        if len(operands) == 2 and len(ops) == 1:
            return Binary(ops[0], operands[0], operands[1])
        return Opaque(self.canon(node))

    def operands(self, children: list[Node], depth: int) -> tuple[list[Any], list[str]]:
        """Split a flat run of children into operands and operator tokens.

        tree-sitter-hcl flattens an operand such as ``var.a.b`` into a ``variable_expr`` followed
        by ``get_attr``/``index`` siblings, and a parenthesised operand into ``(``, expression,
        ``)``; postfix nodes apply to the operand before them.
        """
        groups: list[list[Node]] = []
        ops: list[str] = []
        paren = False
        for child in children:
            t = child.type
            if t == "comment":
                continue
            if t == "(":
                paren = True
                continue
            if t == ")":
                paren = False
                continue
            if t in ("get_attr", "index", "splat") and groups:
                groups[-1].append(child)
            elif child.is_named:
                groups.append([child])
                if paren:
                    groups[-1].insert(0, child)  # marker: parenthesised
            else:
                ops.append(self.text(child))
        return [self.group(g, depth) for g in groups], ops

    def group(self, nodes: list[Node], depth: int) -> Expr:
        parenthesised = len(nodes) >= 2 and nodes[0] is nodes[1]
        if parenthesised:
            nodes = nodes[1:]
        head, rest = nodes[0], nodes[1:]
        if not rest:
            return self.expr(head, depth + 1)
        steps = self.steps(rest, depth)
        if head.type == "variable_expr" and not parenthesised:
            if steps is None:
                return Opaque(" ".join(self.canon(n) for n in nodes).replace(" .", ".").replace(" [", "["))
            return Ref(self.text(head), steps)
        base = self.expr(head, depth + 1)
        if steps is None:
            return Opaque(render(base) + "".join(self.canon(n) for n in rest))
        return Ref("(" + render(base) + ")", steps)

    def steps(self, nodes: list[Node], depth: int) -> tuple[Any, ...] | None:
        out: list[Any] = []
        for n in nodes:
            if n.type == "get_attr":
                ident = [c for c in n.children if c.type == "identifier"]
                if not ident:
                    return None
                out.append(self.text(ident[0]))
            elif n.type == "index":
                inner = n.children[0] if n.children else None
                if inner is None:
                    return None
                if inner.type == "legacy_index":
                    digits = self.text(inner).lstrip(".")
                    if not digits.isdigit():
                        return None
                    out.append(int(digits))
                else:
                    exprs = [c for c in inner.children if c.type == "expression"]
                    if not exprs:
                        return None
                    idx = self.expr(exprs[0], depth + 1)
                    if isinstance(idx, Lit) and isinstance(idx.value, (int, str)) and not isinstance(idx.value, bool):
                        out.append(idx.value)
                    else:
                        out.append(idx)
            else:
                return None  # splats and the rest stay opaque
        return tuple(out)


def _shifted(block: Block, delta: int) -> Block:
    """``block`` as read ``delta`` lines further down (every line in it moves by ``delta``)."""
    if delta == 0:
        return block
    return replace(block, line=block.line + delta, body=_shifted_body(block.body, delta))


def _shifted_body(body: Body, delta: int) -> Body:
    return Body(
        tuple(
            replace(item, line=item.line + delta) if isinstance(item, Attribute) else _shifted(item, delta)
            for item in body.items
        )
    )


def _number(text: str) -> int | float:
    try:
        if re.fullmatch(r"[0-9]+", text):
            return int(text)
        value = float(text)
    except ValueError:
        return 0
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


def _merge_parts(parts: list[Any]) -> list[Any]:
    out: list[Any] = []
    for p in parts:
        if isinstance(p, str):
            if not p:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += p
                continue
        out.append(p)
    return out


def _strip_indent(parts: list[Any]) -> list[Any]:
    """``<<-`` heredocs: remove the smallest indentation of the non-blank lines."""
    text = "".join(p if isinstance(p, str) else "\x00" for p in parts)
    indents = [len(line) - len(line.lstrip(" \t")) for line in text.split("\n") if line.strip()]
    cut = min(indents) if indents else 0
    if not cut:
        return parts
    out: list[Any] = []
    at_line_start = True
    for p in parts:
        if not isinstance(p, str):
            out.append(p)
            at_line_start = False
            continue
        lines = p.split("\n")
        fixed = []
        for i, line in enumerate(lines):
            if i > 0 or at_line_start:
                fixed.append(line[cut:] if line[:cut].strip(" \t") == "" else line.lstrip(" \t"))
            else:
                fixed.append(line)
        out.append("\n".join(fixed))
        at_line_start = p.endswith("\n")
    return out


# -- canonical text ---------------------------------------------------------------------------------


def render(expr: Any) -> str:
    """Canonical HCL text of an expression: equal for ``"${var.x}"`` and ``var.x`` and whatever
    whitespace ``terraform fmt`` chooses."""
    if isinstance(expr, Lit):
        v = expr.value
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        return repr(v)
    if isinstance(expr, Template):
        inner = "".join(
            p.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            if isinstance(p, str)
            else f"${{{render(p)}}}"
            for p in expr.parts
        )
        return f'"{inner}"'
    if isinstance(expr, Ref):
        out = expr.root
        for s in expr.steps:
            if isinstance(s, str):
                out += f".{s}"
            elif isinstance(s, int):
                out += f"[{s}]"
            else:
                out += f"[{render(s)}]"
        return out
    if isinstance(expr, Call):
        args = ", ".join(render(a) for a in expr.args)
        return f"{expr.name}({args}{'...' if expr.expand else ''})"
    if isinstance(expr, Cond):
        return f"{render(expr.pred)} ? {render(expr.yes)} : {render(expr.no)}"
    if isinstance(expr, Binary):
        return f"{_paren(expr.left)} {expr.op} {_paren(expr.right)}"
    if isinstance(expr, Unary):
        return f"{expr.op}{_paren(expr.operand)}"
    if isinstance(expr, TupleExpr):
        return "[" + ", ".join(render(i) for i in expr.items) + "]"
    if isinstance(expr, ObjectExpr):
        return "{" + ", ".join(f"{render(k)} = {render(v)}" for k, v in expr.items) + "}"
    if isinstance(expr, Opaque):
        return expr.text
    return str(expr)


def _paren(expr: Any) -> str:
    text = render(expr)
    return f"({text})" if isinstance(expr, (Binary, Cond)) else text


def references(expr: Any) -> list[Ref]:
    """Every traversal inside an expression (for "what does this refer to")."""
    out: list[Ref] = []
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, Ref):
            out.append(e)
            stack.extend(s for s in e.steps if not isinstance(s, (str, int)))
        elif isinstance(e, Template):
            stack.extend(p for p in e.parts if not isinstance(p, str))
        elif isinstance(e, Call):
            stack.extend(e.args)
        elif isinstance(e, Cond):
            stack.extend((e.pred, e.yes, e.no))
        elif isinstance(e, Binary):
            stack.extend((e.left, e.right))
        elif isinstance(e, Unary):
            stack.append(e.operand)
        elif isinstance(e, TupleExpr):
            stack.extend(e.items)
        elif isinstance(e, ObjectExpr):
            for k, v in e.items:
                stack.extend((k, v))
        elif isinstance(e, Opaque):
            out.extend(Ref(m.group(1), tuple(m.group(2).split("."))) for m in _OPAQUE_REF.finditer(e.text))
    return out


_OPAQUE_REF = re.compile(
    r"\b(var|local|module|data|aws_[a-z0-9_]+|google_[a-z0-9_]+|azurerm_[a-z0-9_]+)\.([A-Za-z0-9_.-]+)"
)
