"""Model objects of one Terraform module folder: resources, data sources, module calls, variables
and ``removed`` blocks, keyed by (folder, address). Outputs are not modelled: no rule judges them,
and reordering or rewriting them is never a weakening.

``moved`` blocks are recorded on the module's objects (``extra["moved"]``) and applied to the base
side's addresses by ``identity.align`` before pairing, as Terraform applies them to the state.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from regress.kinds.terraform import hcl
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.module import BlockAt, Converted, Module, TfSourceMap, convert
from regress.kinds.terraform.modules import CalledModule, ModuleTargets
from regress.kinds.terraform.values import Unknown, as_str
from regress.model import ModelObject, Origin

#: Meta-arguments that are no configuration of the resource itself; kept in the body (count and
#: for_each matter to rules) except where noted.
META = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle"})


@dataclass(frozen=True)
class ResourceFacts:
    mode: str  # "managed" | "data"
    type: str
    name: str
    #: Route → expression as written (for rules that need to know where a value came from).
    exprs: dict[Any, hcl.Expr]

    @functools.cached_property
    def refers_to(self) -> frozenset[str]:
        """References made anywhere in the body (``aws_elb.x``, ``module.y``), by address."""
        return _refs(self.exprs)

    @functools.cached_property
    def var_routes(self) -> dict[Any, str]:
        """Variables whose values reach this resource's attributes, by route (``var.x`` directly)."""
        return _var_routes(self.exprs)


@dataclass(frozen=True)
class ModuleCallFacts:
    source: str
    version: str
    called: CalledModule
    exprs: dict[Any, hcl.Expr]

    @functools.cached_property
    def refers_to(self) -> frozenset[str]:
        return _refs(self.exprs)


def build(
    module: Module, kind: str, targets_for: ModuleTargets, memo: dict[Any, Converted] | None = None
) -> list[ModelObject]:
    """The module's objects. ``memo`` holds evaluated bodies of resources and variables by (block
    source, values read), with the line the block was on: a block the change did not touch, or
    only moved, is evaluated once for both sides (its lines shifted by the source map)."""
    out: list[ModelObject] = []
    moved = _moved(module)
    for at in module.blocks:
        block = at.block
        obj: ModelObject | None = None
        reads = _reads(module, block.reads) if block.source_hash else ""
        if block.type in ("resource", "data") and len(block.labels) == 2:
            conv, shift = _evaluated(module, block, reads, memo, frozenset())
            obj = _resource(module, at, kind, "managed" if block.type == "resource" else "data", conv, shift)
        elif block.type == "module" and len(block.labels) == 1:
            obj = _module_call(module, at, kind, targets_for)
        elif block.type == "variable" and len(block.labels) == 1:
            # A variable's default and type are what matter; its description and validation do not.
            conv, shift = _evaluated(module, block, reads, memo, _VARIABLE_SKIPS)
            obj = _variable(module, at, kind, conv, shift)
        elif block.type == "removed":
            obj = _removed(module, at, kind)
        if obj is not None:
            obj.extra["moved"] = moved
            if block.source_hash:
                obj.extra["fingerprint"] = (block.source_hash, reads)
            out.append(obj)
    return out


_VARIABLE_SKIPS = frozenset({"description", "validation"})


def _evaluated(
    module: Module, block: hcl.Block, reads: str, memo: dict[Any, Any] | None, skip: frozenset[str]
) -> tuple[Converted, int]:
    """The block's evaluated body and how far its lines lie from the ones recorded in it."""
    key = (block.source_hash, reads, skip) if block.source_hash and memo is not None else None
    if key is not None and memo is not None:
        found = memo.get(key)
        if found is not None:
            conv, line = found
            return conv, block.line - line
    conv = convert(block.body, module.scope, skip)
    if skip is _VARIABLE_SKIPS:
        _normalise_type(conv.body)
    if key is not None and memo is not None:
        memo[key] = (conv, block.line)
    return conv, 0


def _reads(module: Module, names: tuple[str, ...]) -> str:
    """The values of the variables and locals a block mentions, as one comparable text."""
    parts = []
    for name in names:
        kind, _, short = name.partition(".")
        value = module.scope.variables.get(short) if kind == "var" else module.scope.local(short)
        parts.append(f"{name}={value!r}")
    return "\n".join(parts)


def _origin(module: Module, at: BlockAt, kind: str, lines: dict[Any, int], shift: int = 0) -> Origin:
    return Origin(kind, at.path, TfSourceMap(at.path, lines, at.block.line, shift), module.folder)


def _refs(exprs: dict[Any, hcl.Expr]) -> frozenset[str]:
    out: set[str] = set()
    for expr in exprs.values():
        for ref in hcl.references(expr):
            address = address_of(ref)
            if address:
                out.add(address)
    return frozenset(out)


def address_of(ref: hcl.Ref) -> str | None:
    """The object a reference points at: ``aws_elb.x.dns_name`` → ``aws_elb.x``."""
    names = [s for s in ref.steps if isinstance(s, str)]
    if ref.root in ("var", "local", "count", "each", "path", "terraform", "self") or not names:
        return None
    if ref.root == "module":
        return f"module.{names[0]}"
    if ref.root == "data":
        return f"data.{names[0]}.{names[1]}" if len(names) > 1 else None
    return f"{ref.root}.{names[0]}"


def _var_routes(exprs: dict[Any, hcl.Expr]) -> dict[Any, str]:
    out: dict[Any, str] = {}
    for route, expr in exprs.items():
        if isinstance(expr, hcl.Ref) and expr.root == "var" and len(expr.steps) == 1 and isinstance(expr.steps[0], str):
            out[route] = expr.steps[0]
    return out


def _resource(module: Module, at: BlockAt, kind: str, mode: str, conv: Converted, shift: int) -> ModelObject:
    rtype, name = at.block.labels
    address = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
    facts = ResourceFacts(mode, rtype, name, conv.exprs)
    return ModelObject(
        family=FAMILY,
        type=rtype if mode == "managed" else f"data.{rtype}",
        key=(module.folder, address),
        body=conv.body,
        origin=_origin(module, at, kind, conv.lines, shift),
        label=address,
        facts=facts,
        name_hint=name,
    )


def _module_call(module: Module, at: BlockAt, kind: str, targets_for: ModuleTargets) -> ModelObject:
    name = at.block.labels[0]
    conv = convert(at.block.body, module.scope)
    source = as_str(conv.body.get("source")) or ""
    version = as_str(conv.body.get("version")) or ""
    called = targets_for.for_call(module.folder, source)
    facts = ModuleCallFacts(source, version, called, conv.exprs)
    return ModelObject(
        family=FAMILY,
        type="module",
        key=(module.folder, f"module.{name}"),
        body=conv.body,
        origin=_origin(module, at, kind, conv.lines),
        label=f"module.{name}",
        facts=facts,
        name_hint=name,
    )


def _variable(module: Module, at: BlockAt, kind: str, conv: Converted, shift: int) -> ModelObject:
    name = at.block.labels[0]
    return ModelObject(
        family=FAMILY,
        type="variable",
        key=(module.folder, f"var.{name}"),
        body=conv.body,
        origin=_origin(module, at, kind, conv.lines, shift),
        label=f"var.{name}",
        name_hint=name,
    )


def _normalise_type(body: dict[str, Any]) -> None:
    """``type = "string"`` (0.11) and ``type = string`` are the same type constraint."""
    value = body.get("type")
    text = value.text if isinstance(value, Unknown) else value
    if isinstance(text, str):
        body["type"] = text.strip('"')


def _removed(module: Module, at: BlockAt, kind: str) -> ModelObject | None:
    attr = at.block.body.attr("from")
    if attr is None:
        return None
    target = hcl.render(attr.expr)
    conv = convert(at.block.body, module.scope, frozenset({"from"}))
    conv.body["from"] = target
    return ModelObject(
        family=FAMILY,
        type="removed",
        key=(module.folder, f"removed:{target}"),
        body=conv.body,
        origin=_origin(module, at, kind, {("from",): attr.line, **conv.lines}),
        label=f"removed {{ from = {target} }}",
    )


def _moved(module: Module) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for at in module.of_type("moved"):
        src = at.block.body.attr("from")
        dst = at.block.body.attr("to")
        if src is not None and dst is not None:
            out.append((hcl.render(src.expr), hcl.render(dst.expr)))
    return tuple(out)
