"""Patches as kustomize applies them: strategic merge patches and JSON 6902 patches.

Strategic merge (k8s.io/apimachinery strategicpatch): maps merge key by key, ``null`` deletes a
key, lists of objects merge by their patch merge key (containers, volumes, env… by ``name``;
ports by ``containerPort``; volumeMounts by ``mountPath``), other lists are replaced, and
``$patch: delete``/``replace`` act on the map they sit in. Keys that come from a patch carry no
source line (the line would be the patch file's), so a location inside them falls back to the
nearest key of the resource itself.
"""

from __future__ import annotations

from typing import Any

from regress.yamlload import YList, YMap

#: Patch merge keys of the lists kustomize users patch (Kubernetes API ``patchMergeKey``).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "imagePullSecrets": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
    "hostAliases": "ip",
    "tolerations": "",
}


class Unsupported(Exception):
    """A patch form the built-in renderer does not apply (never guessed at)."""


def strategic_merge(target: Any, patch: Any, key: str = "") -> Any:
    if isinstance(patch, dict):
        directive = patch.get("$patch")
        if directive == "delete":
            return _DELETE
        if directive == "replace":
            return _unlined({k: v for k, v in patch.items() if k != "$patch"})
        if directive not in (None, "merge"):
            raise Unsupported(f"$patch: {directive}")
        if not isinstance(target, dict):
            return _unlined({k: v for k, v in patch.items() if not str(k).startswith("$")})
        out = YMap(target.line if isinstance(target, YMap) else -1)
        for k, v in target.items():
            out[k] = v
            if isinstance(target, YMap) and k in target.key_lines:
                out.key_lines[k] = target.key_lines[k]
        for k, v in patch.items():
            if isinstance(k, str) and k.startswith("$"):
                if k.startswith("$setElementOrder") or k == "$patch":
                    continue
                raise Unsupported(f"directive {k}")
            if v is None:
                out.pop(k, None)
                continue
            merged = strategic_merge(out.get(k), v, k) if k in out else _unlined(v)
            if merged is _DELETE:
                out.pop(k, None)
            else:
                out[k] = merged
        return out
    if isinstance(patch, list):
        merge_key = MERGE_KEYS.get(key)
        if merge_key and isinstance(target, list) and all(isinstance(i, dict) for i in [*target, *patch]):
            return _merge_list(target, patch, merge_key)
        return _unlined(patch)
    return patch


class _Delete:
    pass


_DELETE: Any = _Delete()
DELETE = _DELETE


def _merge_list(target: list[Any], patch: list[Any], merge_key: str) -> YList:
    out = YList(target.line if isinstance(target, YList) else -1)
    lines = list(target.item_lines) if isinstance(target, YList) else []
    items = list(target)
    for p in patch:
        if merge_key not in p:
            raise Unsupported(f"list item without its merge key {merge_key!r}")
        idx = next((i for i, t in enumerate(items) if t.get(merge_key) == p[merge_key]), None)
        if idx is None:
            if p.get("$patch") != "delete":
                items.append(_unlined(p))
                lines.append(-1)
            continue
        merged = strategic_merge(items[idx], p)
        if merged is _DELETE:
            del items[idx]
            del lines[idx]
        else:
            items[idx] = merged
    out.extend(items)
    out.item_lines = lines[: len(items)] + [-1] * max(0, len(items) - len(lines))
    return out


def _unlined(value: Any) -> Any:
    """A copy of a patch value whose lines are unknown (they belong to the patch file)."""
    if isinstance(value, dict):
        out = YMap()
        for k, v in value.items():
            out[k] = _unlined(v)
        return out
    if isinstance(value, list):
        seq = YList()
        seq.extend(_unlined(v) for v in value)
        seq.item_lines = [-1] * len(seq)
        return seq
    return value


def json6902(target: Any, ops: list[Any]) -> Any:
    """RFC 6902 add/remove/replace (the operations kustomize patches use in practice)."""
    doc = _copy(target)
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("path"), str):
            raise Unsupported("malformed JSON patch operation")
        kind = op.get("op")
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        if not parts:
            raise Unsupported("JSON patch on the document root")
        parent = doc
        for part in parts[:-1]:
            parent = _step(parent, part)
        last = parts[-1]
        if kind in ("add", "replace"):
            value = _unlined(op.get("value"))
            if isinstance(parent, list):
                if last == "-":
                    parent.append(value)
                    _pad(parent)
                else:
                    i = int(last)
                    if kind == "add":
                        parent.insert(i, value)
                        if isinstance(parent, YList):
                            parent.item_lines.insert(i, -1)
                    else:
                        parent[i] = value
            elif isinstance(parent, dict):
                if kind == "replace" and last not in parent:
                    raise Unsupported(f"replace of a missing path {op['path']}")
                parent[last] = value
            else:
                raise Unsupported(f"path {op['path']} does not exist")
        elif kind == "remove":
            if isinstance(parent, list):
                i = int(last)
                del parent[i]
                if isinstance(parent, YList) and i < len(parent.item_lines):
                    del parent.item_lines[i]
            elif isinstance(parent, dict) and last in parent:
                del parent[last]
            else:
                raise Unsupported(f"remove of a missing path {op['path']}")
        else:
            raise Unsupported(f"JSON patch operation {kind!r}")
    return doc


def _pad(seq: list[Any]) -> None:
    if isinstance(seq, YList):
        seq.item_lines.extend([-1] * (len(seq) - len(seq.item_lines)))


def _step(node: Any, part: str) -> Any:
    if isinstance(node, dict) and part in node:
        return node[part]
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    raise Unsupported(f"path segment {part!r} does not exist")


def _copy(value: Any) -> Any:
    """A deep copy that keeps lines."""
    if isinstance(value, dict):
        out = YMap(value.line if isinstance(value, YMap) else -1)
        for k, v in value.items():
            out[k] = _copy(v)
        if isinstance(value, YMap):
            out.key_lines = dict(value.key_lines)
        return out
    if isinstance(value, list):
        seq = YList(value.line if isinstance(value, YList) else -1)
        seq.extend(_copy(v) for v in value)
        seq.item_lines = list(value.item_lines) if isinstance(value, YList) else [-1] * len(seq)
        return seq
    return value


copy = _copy
