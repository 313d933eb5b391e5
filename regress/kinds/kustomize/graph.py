"""Kustomizations in a snapshot and what they reference: which overlays a changed file reaches.

A kustomization folder references files (resources, patches, generator inputs) and other
kustomization folders (resources, bases, components). An *overlay root* is a kustomization no
other kustomization references; each is rendered on its own and is part of its objects' identity.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from regress.source.base import Snapshot, join, snapshot_memo
from regress.yamlload import LoadError, load_text

NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
#: A changed file is looked up among the kustomizations of its top-level folder; past this many
#: files the search stays with the file's own folder and its ancestors.
MAX_SCAN = 20_000


def kustomization_file(folder: str, snapshot: Snapshot) -> str | None:
    for name in NAMES:
        path = join(folder, name)
        if snapshot.blob_id(path) is not None:
            return path
    return None


def is_remote(ref: str) -> bool:
    return "://" in ref or ref.startswith(("github.com/", "gitlab.com/", "bitbucket.org/", "git@")) or "?ref=" in ref


@dataclass
class Kustomization:
    folder: str
    path: str
    doc: dict[str, Any]
    #: Referenced kustomization folders (resources/bases/components that are folders).
    folders: list[str] = field(default_factory=list)
    #: Referenced files (resources, patches, generator inputs).
    files: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)


def parse(folder: str, path: str, snapshot: Snapshot) -> Kustomization | None:
    try:
        docs = load_text(snapshot.read(path).decode("utf-8", errors="replace")).documents
    except (LoadError, KeyError):
        return None
    doc = docs[0] if docs else None
    if not isinstance(doc, dict):
        return None
    k = Kustomization(folder, path, doc)
    for ref in _refs(doc):
        if is_remote(ref):
            k.remote.append(ref)
            continue
        target = posixpath.normpath(join(folder, ref)) if folder else posixpath.normpath(ref)
        if target.startswith(".."):
            continue
        target = "" if target == "." else target
        if snapshot.blob_id(target) is not None:
            k.files.append(target)
        elif kustomization_file(target, snapshot) is not None:
            k.folders.append(target)
    return k


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, str):
                yield v


def _refs(doc: dict[str, Any]) -> Iterator[str]:
    for key in ("resources", "bases", "components", "crds", "patchesStrategicMerge"):
        for ref in _strings(doc.get(key)):
            if "\n" not in ref:  # patchesStrategicMerge may hold inline patches
                yield ref
    for key in ("patches", "patchesJson6902"):
        for item in doc.get(key) or ():
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                yield item["path"]
    for key in ("configMapGenerator", "secretGenerator"):
        for item in doc.get(key) or ():
            if not isinstance(item, dict):
                continue
            for field_name in ("files", "envs"):
                for entry in _strings(item.get(field_name)):
                    yield entry.split("=", 1)[1] if "=" in entry else entry
            if isinstance(item.get("env"), str):
                yield item["env"]


def scan(path: str, snapshot: Snapshot) -> dict[str, Kustomization]:
    """Kustomizations that may reference ``path``: in its top-level folder (bounded), else in its
    folder's ancestors."""
    top = path.split("/", 1)[0] if "/" in path else ""
    # The walk depends on the top-level folder only: done once per snapshot, not once per changed
    # path (and per neighbouring file a rule asks about), which made a PR's cost grow with the
    # size of the repository.
    memo = snapshot_memo(snapshot)
    cached = memo.get(("kustomize.scan", top))
    if cached is None:
        cached = _scan_top(top, snapshot)
        memo[("kustomize.scan", top)] = cached
    found, complete = dict(cached[0]), cached[1]
    if not complete:
        found = {}
        folder = posixpath.dirname(path)
        while True:
            kpath = kustomization_file(folder, snapshot)
            if kpath is not None:
                k = parse(folder, kpath, snapshot)
                if k is not None:
                    found[folder] = k
            if not folder:
                break
            folder = posixpath.dirname(folder)
    return found


def _scan_top(top: str, snapshot: Snapshot) -> tuple[dict[str, Kustomization], bool]:
    found: dict[str, Kustomization] = {}
    # A git snapshot finds the kustomization files among the folder's files without decoding
    # every path (``named_files``); other snapshots walk the folder.
    named = getattr(snapshot, "named_files", None)
    listed = named(top, NAMES) if named is not None else None
    if listed is not None:
        paths, total = listed
        if total > MAX_SCAN:
            return {}, False
    else:
        paths = []
        for count, p in enumerate(snapshot.walk(top), start=1):
            if count > MAX_SCAN:
                return {}, False
            if posixpath.basename(p) in NAMES:
                paths.append(p)
    for p in paths:
        if posixpath.basename(p) in NAMES:
            folder = posixpath.dirname(p)
            if folder not in found:
                k = parse(folder, p, snapshot)
                if k is not None:
                    found[folder] = k
    return found, True


def roots_reaching(path: str, kustomizations: dict[str, Kustomization]) -> list[str]:
    """Overlay roots whose build reads ``path`` (a kustomization file or a referenced file)."""
    direct = {k.folder for k in kustomizations.values() if path == k.path or path in k.files}
    if not direct:
        return []
    referenced = {f for k in kustomizations.values() for f in k.folders}
    # A Component only means something inside the overlay that lists it.
    roots = [f for f, k in kustomizations.items() if f not in referenced and k.doc.get("kind") != "Component"]
    out = []
    for root in sorted(roots):
        if reaches(root, direct, kustomizations):
            out.append(root)
    return out


def reaches(root: str, targets: set[str], kustomizations: dict[str, Kustomization]) -> bool:
    seen: set[str] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        if folder in seen:
            continue
        seen.add(folder)
        if folder in targets:
            return True
        k = kustomizations.get(folder)
        if k is not None:
            stack.extend(k.folders)
    return False
