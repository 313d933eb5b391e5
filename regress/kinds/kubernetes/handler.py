"""Plain Kubernetes manifests: every YAML or JSON file is a unit of its own.

Which files are manifests is only known after parsing (``apiVersion`` and ``kind`` at the top of a
document), so any YAML/JSON file not claimed by a more specific kind is read; documents that are no
Kubernetes objects are ignored. ``List`` kinds are expanded to their items.
"""

from __future__ import annotations

import json
import re
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, TooLarge, Unit, UnitError
from regress.kinds.gates import inline
from regress.kinds.kubernetes.identity import FAMILY, label_of, object_key
from regress.model import ModelObject, Notice, NoticeKind, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError, YList, YMap

KIND = "kubernetes"
SUFFIXES = (".yaml", ".yml", ".json")
_LOOKS_LIKE_MANIFEST = re.compile(r"^(apiVersion|kind):", re.M)


def objects_from_documents(
    docs: list[Any], path: str, kind: str, render_root: str = "", doc_lines: list[int] | None = None
) -> list[ModelObject]:
    """Model objects for every Kubernetes object in a list of loaded documents."""
    out: list[ModelObject] = []
    for i, doc in enumerate(docs):
        fallback = doc_lines[i] if doc_lines and i < len(doc_lines) else None
        for item in _expand(doc):
            key = object_key(item, render_root)
            if key is None:
                continue
            meta = item.get("metadata")
            raw_name = meta.get("name") if isinstance(meta, dict) else None
            name = raw_name if isinstance(raw_name, str) else ""
            out.append(
                ModelObject(
                    family=FAMILY,
                    type=key[1],
                    key=key,
                    body=item,
                    origin=Origin(kind, path, YamlSourceMap(path, item, fallback), render_root),
                    label=label_of(key),
                    name_hint=name,
                )
            )
    return out


def _expand(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        return []
    kind = doc.get("kind")
    items = doc.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        return [i for i in items if isinstance(i, dict)]
    return [doc]


class KubernetesHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        if path.lower().endswith(SUFFIXES):
            return [Unit(KIND, path)]
        return []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        path = unit.root
        result = LoadResult()
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            loaded = ctx.yaml(path)
            docs, lines, duplicates = loaded.documents, loaded.document_lines, loaded.duplicates
        except TooLarge as exc:
            # Whether an over-size file is a manifest cannot be known without reading it; padding
            # a manifest past the limit must not be a way around every rule, so it is unverified.
            result.errors.append(UnitError(path, exc.message, None))
            return result
        except LoadError as exc:
            fallback = _json_fallback(ctx, path)
            if fallback is None:
                if self._is_manifest_text(ctx, path):
                    result.errors.append(UnitError(path, exc.message, exc.line))
                else:
                    result.notices.append(Notice(NoticeKind.SKIPPED, f"not analysed: {exc.message}", path, exc.line))
                return result
            docs, lines, duplicates = [fallback], [1], []
        found_objects = objects_from_documents(docs, path, KIND, "", lines)
        result.objects.extend(found_objects)
        if found_objects:
            # Only a file that holds manifests is this handler's to remark on: any YAML file is
            # offered to it, and a translation catalogue's duplicate keys are none of regress's
            # business.
            for line, key in duplicates:
                result.notices.append(
                    Notice(NoticeKind.INPUT, f"duplicate key {key!r}: the last value is used", path, line)
                )
        # KICS and Trivy read skip comments in manifests, which the YAML loader drops.
        found = inline.suppressions_object(KIND, path, [(path, ctx.text(path))], inline.Syntax.YAML)
        if found is not None:
            result.objects.append(found)
        return result

    @staticmethod
    def _is_manifest_text(ctx: LoadContext, path: str) -> bool:
        try:
            text = ctx.text(path)
        except (LoadError, KeyError):
            return False
        return len(_LOOKS_LIKE_MANIFEST.findall(text)) >= 2


def _json_fallback(ctx: LoadContext, path: str) -> Any:
    """JSON that libyaml refuses (tabs, for instance) is still JSON: load it without lines."""
    if not path.lower().endswith(".json"):
        return None
    try:
        value = json.loads(ctx.text(path))
    except (ValueError, LoadError, KeyError):
        return None
    return _to_y(value)


def _to_y(value: Any) -> Any:
    if isinstance(value, dict):
        m = YMap()
        for k, v in value.items():
            m[k] = _to_y(v)
        return m
    if isinstance(value, list):
        seq = YList()
        seq.extend(_to_y(v) for v in value)
        return seq
    return value
