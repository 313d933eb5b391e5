"""The built-in kustomize renderer, for machines without ``kustomize``/``kubectl``.

Supports what overlays use most: resources/bases/components, patches (strategic merge and JSON
6902, also the older patchesStrategicMerge/patchesJson6902), replicas, images, namespace,
namePrefix/nameSuffix, labels/commonLabels, configMap/secret generators (under their logical
names: generator hash suffixes are never added). Anything else in a kustomization raises
``Unsupported`` and the overlay is not rendered: a notice, never a wrong answer.

Each rendered object keeps the lines of the resource file it came from (see ``patch.py``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from regress.kinds.kustomize.graph import NAMES, is_remote, kustomization_file
from regress.kinds.kustomize.patch import DELETE, Unsupported, copy, json6902, strategic_merge
from regress.source.base import join
from regress.yamlload import LoadError, YList, YMap, load_text

#: Kustomization fields the renderer understands; any other (helmCharts, generators,
#: transformers, replacements, vars, openapi, …) makes the overlay unsupported.
SUPPORTED = frozenset(
    {
        "apiVersion",
        "kind",
        "metadata",
        "resources",
        "bases",
        "components",
        "patches",
        "patchesStrategicMerge",
        "patchesJson6902",
        "replicas",
        "images",
        "namespace",
        "namePrefix",
        "nameSuffix",
        "commonLabels",
        "labels",
        "commonAnnotations",
        "configMapGenerator",
        "secretGenerator",
        "generatorOptions",
        "sortOptions",
        "buildMetadata",
    }
)
MAX_DEPTH = 20

Reader = Callable[[str], bytes | None]


@dataclass
class Item:
    """One object being built, with the repository file it came from."""

    doc: Any
    path: str
    line: int


class Renderer:
    def __init__(self, read: Reader, exists_dir: Callable[[str], str | None]) -> None:
        self.read = read
        self.kustomization_of = exists_dir
        self.files: list[str] = []
        self.remote: list[str] = []

    def build(self, folder: str, depth: int = 0) -> list[Item]:
        if depth > MAX_DEPTH:
            raise Unsupported("kustomizations nest too deep (a cycle?)")
        kpath = self.kustomization_of(folder)
        if kpath is None:
            raise Unsupported(f"{folder or '.'} has no kustomization")
        k = self._map(kpath)
        unknown = sorted(str(key) for key in k if key not in SUPPORTED)
        if unknown:
            raise Unsupported(f"{kpath}: {', '.join(unknown)} not supported by the built-in renderer")
        items: list[Item] = []
        for ref in _list(k.get("resources")) + _list(k.get("bases")):
            items.extend(self._resource(folder, ref, depth))
        items.extend(self._generated(folder, k))
        for ref in _list(k.get("components")):
            items = self._component(folder, ref, items, depth)
        self._transform(folder, k, items)
        return items

    # -- inputs -------------------------------------------------------------------------------
    def _path(self, folder: str, ref: str) -> str:
        if is_remote(ref):
            self.remote.append(ref)
            return ""
        target = posixpath.normpath(join(folder, ref)) if folder else posixpath.normpath(ref)
        if target.startswith(".."):
            raise Unsupported(f"{ref} is outside the repository")
        return "" if target == "." else target

    def _docs(self, path: str) -> list[tuple[Any, int]]:
        data = self.read(path)
        if data is None:
            raise Unsupported(f"{path} does not exist")
        self.files.append(path)
        try:
            loaded = load_text(data.decode("utf-8", errors="replace"))
        except LoadError as exc:
            raise Unsupported(f"{path}: {exc.message}") from None
        return [(d, ln) for d, ln in zip(loaded.documents, loaded.document_lines, strict=True) if d is not None]

    def _map(self, path: str) -> dict[str, Any]:
        docs = self._docs(path)
        if not docs or not isinstance(docs[0][0], dict):
            raise Unsupported(f"{path} is not a mapping")
        doc: dict[str, Any] = docs[0][0]
        return doc

    def _resource(self, folder: str, ref: str, depth: int) -> list[Item]:
        if not isinstance(ref, str):
            raise Unsupported("a resource entry that is not a path")
        target = self._path(folder, ref)
        if is_remote(ref):
            return []
        if self.read(target) is not None:
            out = []
            for doc, line in self._docs(target):
                for obj in _expand(doc):
                    out.append(Item(copy(obj), target, line))
            return out
        return self.build(target, depth + 1)

    def _component(self, folder: str, ref: str, items: list[Item], depth: int) -> list[Item]:
        target = self._path(folder, ref)
        if not target and is_remote(ref):
            return items
        kpath = self.kustomization_of(target)
        if kpath is None:
            raise Unsupported(f"component {ref} has no kustomization")
        k = self._map(kpath)
        unknown = sorted(str(key) for key in k if key not in SUPPORTED)
        if unknown:
            raise Unsupported(f"{kpath}: {', '.join(unknown)} not supported by the built-in renderer")
        for sub in _list(k.get("resources")):
            items = [*items, *self._resource(target, sub, depth + 1)]
        items = [*items, *self._generated(target, k)]
        for sub in _list(k.get("components")):
            items = self._component(target, sub, items, depth + 1)
        self._transform(target, k, items)
        return items

    def _generated(self, folder: str, k: dict[str, Any]) -> list[Item]:
        out: list[Item] = []
        for field_name, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
            for gen in _list(k.get(field_name)):
                if not isinstance(gen, dict) or not isinstance(gen.get("name"), str):
                    raise Unsupported(f"{field_name} entry without a name")
                behavior = gen.get("behavior", "create")
                if behavior != "create":
                    raise Unsupported(f"{field_name} behavior {behavior!r}")
                data = YMap()
                for literal in _list(gen.get("literals")):
                    key, _, value = str(literal).partition("=")
                    data[key] = value
                for entry in _list(gen.get("files")):
                    key, _, ref = str(entry).rpartition("=")
                    path = self._path(folder, ref)
                    raw = self.read(path)
                    if raw is None:
                        raise Unsupported(f"{ref} does not exist")
                    self.files.append(path)
                    data[key or posixpath.basename(ref)] = raw.decode("utf-8", errors="replace")
                for ref in [*_list(gen.get("envs")), *([gen["env"]] if isinstance(gen.get("env"), str) else [])]:
                    path = self._path(folder, str(ref))
                    raw = self.read(path)
                    if raw is None:
                        raise Unsupported(f"{ref} does not exist")
                    self.files.append(path)
                    for line in raw.decode("utf-8", errors="replace").splitlines():
                        if line.strip() and not line.lstrip().startswith("#"):
                            key, _, value = line.partition("=")
                            data[key.strip()] = value
                doc = YMap()
                doc["apiVersion"] = "v1"
                doc["kind"] = kind
                meta = YMap()
                meta["name"] = gen["name"]
                if isinstance(gen.get("namespace"), str):
                    meta["namespace"] = gen["namespace"]
                doc["metadata"] = meta
                # Secret data would be base64; the logical content is what is compared.
                doc["data" if kind == "ConfigMap" else "stringData"] = data
                out.append(Item(doc, self.kustomization_of(folder) or folder, 1))
        return out

    # -- transformers ---------------------------------------------------------------------------
    def _transform(self, folder: str, k: dict[str, Any], items: list[Item]) -> None:
        for patch in self._patches(folder, k):
            patch(items)
        for rep in _list(k.get("replicas")):
            if not isinstance(rep, dict):
                raise Unsupported("replicas entry is not a mapping")
            for item in items:
                if _name(item.doc) == rep.get("name") and isinstance(item.doc.get("spec"), dict):
                    item.doc["spec"]["replicas"] = rep.get("count")
        for image in _list(k.get("images")):
            if isinstance(image, dict):
                for item in items:
                    _set_images(item.doc, image)
        labels: dict[str, Any] = {}
        selector_labels: dict[str, Any] = {}
        if isinstance(k.get("commonLabels"), dict):
            labels.update(k["commonLabels"])
            selector_labels.update(k["commonLabels"])
        for entry in _list(k.get("labels")):
            if isinstance(entry, dict) and isinstance(entry.get("pairs"), dict):
                labels.update(entry["pairs"])
                if entry.get("includeSelectors"):
                    selector_labels.update(entry["pairs"])
        annotations = k.get("commonAnnotations") if isinstance(k.get("commonAnnotations"), dict) else {}
        prefix = str(k.get("namePrefix") or "")
        suffix = str(k.get("nameSuffix") or "")
        namespace = k.get("namespace")
        for item in items:
            meta = item.doc.setdefault("metadata", YMap())
            if not isinstance(meta, dict):
                continue
            if labels:
                meta.setdefault("labels", YMap()).update(labels)
            if annotations:
                meta.setdefault("annotations", YMap()).update(annotations)
            if selector_labels:
                _add_selector_labels(item.doc, selector_labels)
            if (prefix or suffix) and isinstance(meta.get("name"), str) and item.doc.get("kind") != "Namespace":
                meta["name"] = f"{prefix}{meta['name']}{suffix}"
            if isinstance(namespace, str) and namespace:
                meta["namespace"] = namespace

    def _patches(self, folder: str, k: dict[str, Any]) -> list[Callable[[list[Item]], None]]:
        out: list[Callable[[list[Item]], None]] = []
        for entry in _list(k.get("patchesStrategicMerge")):
            if not isinstance(entry, str):
                raise Unsupported("patchesStrategicMerge entry is not a string")
            bodies = self._inline(entry) if "\n" in entry else [d for d, _ in self._docs(self._path(folder, entry))]
            out.extend(_smp_patch(body, None) for body in bodies)
        for entry in _list(k.get("patches")) + _list(k.get("patchesJson6902")):
            if not isinstance(entry, dict):
                raise Unsupported("patch entry is not a mapping")
            if "options" in entry:
                raise Unsupported("patch options")
            if isinstance(entry.get("path"), str):
                bodies = [d for d, _ in self._docs(self._path(folder, entry["path"]))]
            elif isinstance(entry.get("patch"), str):
                bodies = self._inline(entry["patch"])
            else:
                raise Unsupported("patch without path or body")
            target = entry.get("target")
            for body in bodies:
                if isinstance(body, list):
                    if not isinstance(target, dict):
                        raise Unsupported("JSON patch without a target")
                    out.append(_json_patch(body, target))
                else:
                    out.append(_smp_patch(body, target if isinstance(target, dict) else None))
        return out

    @staticmethod
    def _inline(text: str) -> list[Any]:
        try:
            return [d for d in load_text(text).documents if d is not None]
        except LoadError as exc:
            raise Unsupported(f"inline patch: {exc.message}") from None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _expand(doc: Any) -> list[Any]:
    if isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List") and isinstance(doc.get("items"), list):
        return [i for i in doc["items"] if isinstance(i, dict)]
    return [doc] if isinstance(doc, dict) else []


def _name(doc: Any) -> Any:
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    return meta.get("name") if isinstance(meta, dict) else None


def _matches(doc: Any, target: dict[str, Any]) -> bool:
    if not isinstance(doc, dict):
        return False
    for field_name, actual in (("kind", doc.get("kind")), ("name", _name(doc))):
        want = target.get(field_name)
        if want is not None and not re.fullmatch(str(want), str(actual)):
            return False
    if target.get("namespace") is not None:
        meta = doc.get("metadata") or {}
        if meta.get("namespace") != target["namespace"]:
            return False
    if target.get("labelSelector") is not None or target.get("annotationSelector") is not None:
        raise Unsupported("patch target selectors")
    group = target.get("group")
    return not (group is not None and not str(doc.get("apiVersion", "")).startswith(f"{group}/"))


def _smp_patch(body: Any, target: dict[str, Any] | None) -> Callable[[list[Item]], None]:
    if not isinstance(body, dict):
        raise Unsupported("strategic merge patch is not a mapping")
    if target is None and (body.get("kind") is None or _name(body) is None):
        raise Unsupported("strategic merge patch without kind and name")

    def selected(doc: Any) -> bool:
        if target is not None:
            return _matches(doc, target)
        return isinstance(doc, dict) and doc.get("kind") == body.get("kind") and _name(doc) == _name(body)

    def apply(items: list[Item]) -> None:
        hit = False
        for item in list(items):
            if not selected(item.doc):
                continue
            hit = True
            merged = strategic_merge(item.doc, body if target is None else _retarget(body))
            if merged is DELETE:
                items.remove(item)
            else:
                item.doc = merged
        if not hit:
            what = target or {"kind": body.get("kind"), "name": _name(body)}
            raise Unsupported(f"patch target {what.get('kind')}/{what.get('name')} not found")

    return apply


def _retarget(body: dict[str, Any]) -> dict[str, Any]:
    """A targeted patch applies to every match: its own name must not rename them."""
    out = dict(body)
    if isinstance(out.get("metadata"), dict):
        meta = dict(out["metadata"])
        meta.pop("name", None)
        out["metadata"] = meta
    out.pop("kind", None)
    out.pop("apiVersion", None)
    return out


def _json_patch(ops: list[Any], target: dict[str, Any]) -> Callable[[list[Item]], None]:
    def apply(items: list[Item]) -> None:
        hit = False
        for item in items:
            if _matches(item.doc, target):
                item.doc = json6902(item.doc, ops)
                hit = True
        if not hit:
            raise Unsupported(f"patch target {target.get('kind')}/{target.get('name')} not found")

    return apply


_CONTAINER_ROUTES = (
    ("spec", "containers"),
    ("spec", "initContainers"),
    ("spec", "template", "spec", "containers"),
    ("spec", "template", "spec", "initContainers"),
    ("spec", "jobTemplate", "spec", "template", "spec", "containers"),
    ("spec", "jobTemplate", "spec", "template", "spec", "initContainers"),
)


def _set_images(doc: Any, image: dict[str, Any]) -> None:
    name = image.get("name")
    for route in _CONTAINER_ROUTES:
        node = doc
        for step in route:
            node = node.get(step) if isinstance(node, dict) else None
        if not isinstance(node, list):
            continue
        for container in node:
            if not isinstance(container, dict) or not isinstance(container.get("image"), str):
                continue
            current = container["image"]
            base, tag, digest = _split_image(current)
            if base != name:
                continue
            new_base = str(image.get("newName") or base)
            if image.get("digest"):
                container["image"] = f"{new_base}@{image['digest']}"
            elif image.get("newTag") is not None:
                container["image"] = f"{new_base}:{image['newTag']}"
            else:
                suffix = f"@{digest}" if digest else (f":{tag}" if tag else "")
                container["image"] = f"{new_base}{suffix}"


def _split_image(ref: str) -> tuple[str, str, str]:
    base, _, digest = ref.partition("@")
    slash = base.rfind("/")
    colon = base.rfind(":")
    if colon > slash:
        return base[:colon], base[colon + 1 :], digest
    return base, "", digest


def _add_selector_labels(doc: dict[str, Any], labels: dict[str, Any]) -> None:
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        return
    selector = spec.get("selector")
    if isinstance(selector, dict) and doc.get("kind") != "Service":
        selector.setdefault("matchLabels", YMap()).update(labels)
    elif doc.get("kind") == "Service":
        spec.setdefault("selector", YMap()).update(labels)
    template = spec.get("template")
    if isinstance(template, dict):
        template.setdefault("metadata", YMap()).setdefault("labels", YMap()).update(labels)


__all__ = ["NAMES", "Item", "Renderer", "Unsupported", "YList", "kustomization_file"]
