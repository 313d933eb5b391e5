"""A Terraform module folder read whole: its files parsed, its variables and locals evaluated, and
its blocks turned into model objects keyed by (folder, address).

Every ``.tf``/``.tf.json`` file of one folder belongs to one module, so splitting ``main.tf``
into several files or moving a resource between them changes no identity. Variable values come
from ``terraform.tfvars`` and ``*.auto.tfvars`` (loaded automatically by Terraform, in that
order; ``-var-file`` files are not) over the declared defaults.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from regress.kinds.base import LoadContext
from regress.kinds.terraform import hcl, jsonsyntax
from regress.kinds.terraform.evaluate import Scope, evaluate
from regress.kinds.terraform.values import Unknown
from regress.model import Route
from regress.source.base import join
from regress.yamlload import LoadError

TF_SUFFIXES = (".tf", ".tf.json")
AUTO_TFVARS = ("terraform.tfvars", "terraform.tfvars.json")


def is_config(name: str) -> bool:
    return name.endswith(TF_SUFFIXES)


def is_auto_tfvars(name: str) -> bool:
    return name in AUTO_TFVARS or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def is_terraform_path(path: str) -> bool:
    name = path.rpartition("/")[2]
    return is_config(name) or name.endswith((".tfvars", ".tfvars.json"))


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    parsed: hcl.HclFile


@dataclass(frozen=True, slots=True)
class BlockAt:
    """A top-level block and the file it is in."""

    block: hcl.Block
    path: str


@dataclass
class Module:
    folder: str
    files: list[SourceFile] = field(default_factory=list)
    #: (path, line, message) of files that could not be read or parsed.
    errors: list[tuple[str, int | None, str]] = field(default_factory=list)
    blocks: list[BlockAt] = field(default_factory=list)
    scope: Scope = field(default_factory=Scope)
    #: Variable values set by automatically loaded tfvars files, with where they are set.
    tfvars: dict[str, tuple[Any, str, int]] = field(default_factory=dict)
    #: A hash of the variable values and locals (see ``_scope_hash``).
    scope_hash: str = ""

    def of_type(self, btype: str) -> list[BlockAt]:
        return [b for b in self.blocks if b.block.type == btype]


def parse_file(ctx: LoadContext, path: str) -> hcl.HclFile:
    """A file's syntax tree, through the parse cache (the same blob is parsed once per run)."""
    blob = ctx.snapshot.blob_id(path)
    key = "terraform-json" if path.endswith(".json") else "terraform-hcl"
    if blob is not None:
        cached = ctx.cache.get(key, blob)
        if isinstance(cached, hcl.HclFile):
            return cached
    try:
        text = ctx.text(path)
    except LoadError as exc:
        return hcl.HclFile(hcl.Body(()), (hcl.ParseError(exc.line or 1, exc.message),))
    if path.endswith(".json"):
        parsed = jsonsyntax.parse(text, tfvars=path.endswith(".tfvars.json"))
    else:
        reuse = ctx.cache.get("terraform-reuse", "")
        if not isinstance(reuse, hcl.Reuse):
            reuse = hcl.Reuse()
            ctx.cache.put("terraform-reuse", "", reuse)
        parsed = hcl.parse(text, reuse, path)
    if blob is not None:
        ctx.cache.put(key, blob, parsed)
    return parsed


def load_module(ctx: LoadContext, folder: str) -> Module:
    module = Module(folder)
    names = sorted(p.rpartition("/")[2] for p in ctx.snapshot.files_in(folder))
    tfvars_files: list[str] = []
    for name in names:
        path = join(folder, name)
        if is_config(name):
            try:
                parsed = parse_file(ctx, path)
            except LoadError as exc:  # the size limit
                module.errors.append((path, None, exc.message))
                continue
            module.files.append(SourceFile(path, parsed))
            module.errors.extend((path, e.line, e.message) for e in parsed.errors)
            module.blocks.extend(BlockAt(b, path) for b in parsed.body.blocks)
        elif is_auto_tfvars(name):
            tfvars_files.append(name)
    # terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars in lexical order.
    tfvars_files.sort(key=lambda n: (n not in AUTO_TFVARS, AUTO_TFVARS.index(n) if n in AUTO_TFVARS else 0, n))
    locals_: dict[str, hcl.Expr] = {}
    for b in module.of_type("locals"):
        for attr in b.block.body.attributes:
            locals_[attr.name] = attr.expr
    literal_scope = Scope({}, locals_)
    for name in tfvars_files:
        path = join(folder, name)
        try:
            parsed = parse_file(ctx, path)
        except LoadError as exc:
            module.errors.append((path, None, exc.message))
            continue
        module.errors.extend((path, e.line, e.message) for e in parsed.errors)
        for attr in parsed.body.attributes:
            module.tfvars[attr.name] = (evaluate(attr.expr, Scope()), path, attr.line)
    variables: dict[str, Any] = {}
    for b in module.of_type("variable"):
        if not b.block.labels:
            continue
        name = b.block.labels[0]
        if name in module.tfvars:
            variables[name] = module.tfvars[name][0]
            continue
        default = b.block.body.attr("default")
        variables[name] = evaluate(default.expr, literal_scope) if default else Unknown(f"var.{name}")
    module.scope = Scope(variables, locals_)
    module.scope_hash = _scope_hash(variables, locals_)
    return module


def _scope_hash(variables: dict[str, Any], locals_: dict[str, hcl.Expr]) -> str:
    """What every block of the module may read: equal hashes (and equal block sources) mean
    equal evaluated bodies."""
    text = repr(sorted((k, repr(v)) for k, v in variables.items())) + repr(
        sorted((k, hcl.render(v)) for k, v in locals_.items())
    )
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


@dataclass
class Converted:
    """A block body as model data: evaluated attributes and nested blocks (as lists of bodies),
    with the line of every route."""

    body: dict[str, Any]
    lines: dict[Route, int]
    #: Route → the expression as written, for rules that need more than the value (references).
    exprs: dict[Route, hcl.Expr]


def convert(body: hcl.Body, scope: Scope, skip: frozenset[str] = frozenset()) -> Converted:
    out = Converted({}, {}, {})
    _convert(body, scope, (), out.body, out, skip, 0)
    return out


def _convert(
    body: hcl.Body,
    scope: Scope,
    route: Route,
    target: dict[str, Any],
    out: Converted,
    skip: frozenset[str],
    depth: int,
) -> None:
    counts: dict[str, int] = {}
    for item in body.items:
        if not route and (item.name if isinstance(item, hcl.Attribute) else item.type) in skip:
            continue
        if isinstance(item, hcl.Attribute):
            sub = (*route, item.name)
            target[item.name] = evaluate(item.expr, scope)
            out.lines[sub] = item.line
            out.exprs[sub] = item.expr
            continue
        name = item.type
        inner: dict[str, Any] = {}
        content = item.body
        if item.type == "dynamic" and item.labels:
            # dynamic "x" { for_each = …; content { … } } generates x blocks.
            name = item.labels[0]
            for_each = item.body.attr("for_each")
            inner["__dynamic__"] = hcl.render(for_each.expr) if for_each else ""
            found = [b for b in item.body.blocks if b.type == "content"]
            content = found[0].body if found else hcl.Body(())
        index = counts.get(name, 0)
        counts[name] = index + 1
        sub = (*route, name, index)
        out.lines.setdefault((*route, name), item.line)
        out.lines[sub] = item.line
        existing = target.get(name)
        if not isinstance(existing, list):
            existing = []
            target[name] = existing
        existing.append(inner)
        if depth < hcl.MAX_DEPTH:
            _convert(content, scope, sub, inner, out, skip, depth + 1)


@dataclass(frozen=True, slots=True)
class TfSourceMap:
    """Routes to lines for one Terraform object: the longest known prefix of a route wins, so a
    removed attribute is anchored at its block, and a keyed-list step (``[name]``) falls back to
    its parent."""

    path: str
    lines: dict[Route, int]
    line: int
    #: Added to every line of ``lines``: a body evaluated for the same block text further up or
    #: down the file is shared, and this says how far its lines moved.
    shift: int = 0

    def locate(self, route: Route) -> tuple[str, int | None]:
        probe = tuple(route)
        while probe:
            line = self.lines.get(probe)
            if line is not None:
                return self.path, line + self.shift
            probe = probe[:-1]
        return self.path, self.line
