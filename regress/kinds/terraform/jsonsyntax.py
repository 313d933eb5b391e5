"""Terraform's JSON syntax (``.tf.json``, ``.tfvars.json``) read into the same tree as HCL.

Without a provider schema a JSON object cannot be told apart from a nested block, so nested
objects become object attributes; rules read nested blocks through ``values.blocks``, which
accepts both shapes. Strings holding ``${…}`` are parsed as templates, as Terraform does.
"""

from __future__ import annotations

from typing import Any

from regress.kinds.terraform import hcl
from regress.yamlload import LoadError, YList, YMap, load_text

#: Top-level keys whose members are labelled blocks, with how many labels they take.
LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
    "moved": 0,
    "removed": 0,
    "import": 0,
    "check": 1,
}


def parse(text: str, tfvars: bool = False) -> hcl.HclFile:
    try:
        loaded = load_text(text)
    except LoadError as exc:
        return hcl.HclFile(hcl.Body(()), (hcl.ParseError(exc.line or 1, exc.message),))
    docs = loaded.documents
    if len(docs) != 1 or not isinstance(docs[0], dict):
        return hcl.HclFile(hcl.Body(()), (hcl.ParseError(1, "a JSON configuration must be one object"),))
    root = docs[0]
    if tfvars:
        return hcl.HclFile(_attrs(root))
    items: list[hcl.Attribute | hcl.Block] = []
    for key, value in root.items():
        if not isinstance(key, str):
            continue
        line = _line(root, key)
        n = LABELS.get(key)
        if n is None:
            continue
        items.extend(_labelled(key, value, n, (), line))
    return hcl.HclFile(hcl.Body(tuple(items)))


def _labelled(btype: str, value: Any, n: int, labels: tuple[str, ...], line: int) -> list[hcl.Attribute | hcl.Block]:
    if isinstance(value, list):
        out: list[hcl.Attribute | hcl.Block] = []
        for i, item in enumerate(value):
            item_line = value.item_lines[i] + 1 if isinstance(value, YList) and i < len(value.item_lines) else line
            out.extend(_labelled(btype, item, n, labels, item_line))
        return out
    if not isinstance(value, dict):
        return []
    if n == 0:
        return [hcl.Block(btype, labels, _attrs(value), line)]
    out = []
    for key, sub in value.items():
        out.extend(_labelled(btype, sub, n - 1, (*labels, str(key)), _line(value, key)))
    return out


def _attrs(mapping: dict[Any, Any]) -> hcl.Body:
    items: list[hcl.Attribute | hcl.Block] = []
    for key, value in mapping.items():
        if not isinstance(key, str) or key == "//":
            continue  # "//" holds comments in Terraform's JSON syntax
        items.append(hcl.Attribute(key, _expr(value), _line(mapping, key)))
    return hcl.Body(tuple(items))


def _expr(value: Any) -> hcl.Expr:
    if isinstance(value, dict):
        return hcl.ObjectExpr(tuple((hcl.Lit(str(k)), _expr(v)) for k, v in value.items() if k != "//"))
    if isinstance(value, list):
        return hcl.TupleExpr(tuple(_expr(v) for v in value))
    if isinstance(value, str):
        if "${" in value:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            return hcl.parse_expression(f'"{escaped}"')
        return hcl.Lit(value)
    if isinstance(value, float):
        return hcl.Lit(int(value) if value.is_integer() else float(value))
    if value is None or isinstance(value, (bool, int)):
        return hcl.Lit(value)
    return hcl.Lit(str(value))


def _line(mapping: Any, key: Any) -> int:
    if isinstance(mapping, YMap):
        line = mapping.key_lines.get(key)
        if line is not None and line >= 0:
            return line + 1
    return 1
