"""Kustomize overlays as units: a change to any file a kustomization reads re-renders every
overlay root that includes it, at base and head.

Each overlay root is its own render root (part of the objects' identity), so the same Deployment
in ``overlays/prod`` and ``overlays/staging`` is two objects. Rendering uses the built-in renderer
(``builtin.py``) when it supports everything the overlay uses, because its objects keep the lines
of their resource files; otherwise ``kustomize build`` or ``kubectl kustomize`` (plugins, exec
functions and Helm off, which are their defaults; never run when a remote base is referenced, so
no network is reached); otherwise a notice says the overlay was not rendered.

Files a kustomization reads are claimed here, before the plain manifest handler: they are
analysed as rendered, not also on their own.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.kubernetes.handler import objects_from_documents
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kustomize import graph
from regress.kinds.kustomize.builtin import Renderer, Unsupported
from regress.model import ModelObject, Notice, NoticeKind, Origin, YamlSourceMap
from regress.source.base import Snapshot
from regress.yamlload import LoadError, load_text

KIND = "kustomize"
RENDER_SECONDS = 30.0
MAX_OUTPUT = 64 * 1024 * 1024
#: kustomize's generator suffix: a hash encoded in the alphabet of api/hasher (no vowels, no 0/1/3).
_HASH_SUFFIX = re.compile(r"-[bcdfghkmt2-9]{10}$")
_KLOG_PREFIX = re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ \S+\] ")


class KustomizeHandler:
    kind = KIND
    family = FAMILY

    def __init__(self, binaries: list[str] | None = None) -> None:
        #: None: whatever is on PATH at load time.
        self.binaries = binaries

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        if not path.lower().endswith((".yaml", ".yml", ".json", ".env", ".properties", ".txt")) and (
            path.rpartition("/")[2] not in graph.NAMES
        ):
            return []
        found = graph.scan(path, snapshot)
        return [Unit(KIND, root) for root in graph.roots_reaching(path, found)]

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        kpath = graph.kustomization_file(unit.root, ctx.snapshot)
        if kpath is None:
            return result
        root = unit.root or "."

        def read(path: str) -> bytes | None:
            if not ctx.exists(path):
                return None
            try:
                return ctx.read(path)
            except LoadError:
                return None

        renderer = Renderer(read, lambda folder: graph.kustomization_file(folder, ctx.snapshot))
        try:
            items = renderer.build(unit.root)
        except Unsupported as exc:
            result.files.extend(renderer.files)
            self._with_binary(unit, ctx, result, str(exc), renderer.remote)
            return result
        result.files.extend(renderer.files)
        for ref in renderer.remote:
            result.notices.append(
                Notice(NoticeKind.UNRESOLVED, f"remote resource {ref} is not fetched: rendered without it", kpath)
            )
        for item in items:
            for obj in objects_from_documents([item.doc], item.path, KIND, root, [item.line]):
                obj.origin = Origin(KIND, item.path, YamlSourceMap(item.path, item.doc, item.line), root)
                result.objects.append(obj)
        return result

    # -- kustomize / kubectl ----------------------------------------------------------------------
    def _with_binary(self, unit: Unit, ctx: LoadContext, result: LoadResult, why: str, remote: list[str]) -> None:
        kpath = graph.kustomization_file(unit.root, ctx.snapshot) or unit.root
        command = self._command()
        if remote or command is None:
            reason = "it references remote bases" if remote else "no kustomize or kubectl on PATH"
            result.notices.append(Notice(NoticeKind.DEGRADED, f"overlay not rendered ({why}; {reason})", kpath))
            return
        with tempfile.TemporaryDirectory(prefix="regress-kustomize-") as tmp:
            for path in self._closure(unit.root, ctx.snapshot):
                target = Path(tmp, *path.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    target.write_bytes(ctx.read(path))
                except (KeyError, LoadError):
                    continue
            out, error = _run([*command, str(Path(tmp, *unit.root.split("/")) if unit.root else tmp)], tmp)
        if out is None:
            result.notices.append(Notice(NoticeKind.DEGRADED, f"overlay not rendered: {error}", kpath))
            return
        try:
            loaded = load_text(out)
        except LoadError as exc:
            result.notices.append(Notice(NoticeKind.DEGRADED, f"overlay output is not YAML: {exc.message}", kpath))
            return
        docs = _strip_generator_hashes([d for d in loaded.documents if d is not None])
        root = unit.root or "."
        for obj in objects_from_documents(docs, kpath, KIND, root):
            obj.origin = Origin(KIND, kpath, YamlSourceMap(kpath, None, 1), root)
            result.objects.append(obj)

    def _command(self) -> list[str] | None:
        for name in self.binaries if self.binaries is not None else ["kustomize", "kubectl"]:
            found = shutil.which(name)
            if found:
                return [found, "build"] if name == "kustomize" else [found, "kustomize"]
        return None

    @staticmethod
    def _closure(root: str, snapshot: Snapshot) -> list[str]:
        seen: set[str] = set()
        files: list[str] = []
        stack = [root]
        while stack:
            folder = stack.pop()
            if folder in seen:
                continue
            seen.add(folder)
            kpath = graph.kustomization_file(folder, snapshot)
            if kpath is None:
                continue
            k = graph.parse(folder, kpath, snapshot)
            if k is None:
                continue
            files.append(kpath)
            files.extend(k.files)
            stack.extend(k.folders)
        return files


def _run(args: list[str], home: str) -> tuple[str | None, str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "KUBECONFIG": os.devnull}
    proc = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + RENDER_SECONDS
    out = bytearray()
    err = bytearray()
    streams = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
    try:
        while streams:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, f"rendering took longer than {RENDER_SECONDS:.0f} s"
            ready, _, _ = select.select(list(streams), [], [], left)
            for fd in ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    del streams[fd]
                    continue
                streams[fd].extend(chunk)
                if len(out) > MAX_OUTPUT:
                    return None, f"rendered output is over the {MAX_OUTPUT // (1024 * 1024)} MiB limit"
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    if proc.returncode != 0:
        lines = err.decode("utf-8", errors="replace").strip().splitlines()
        # klog's prefix (level, date, time, pid, file:line) differs on every run.
        message = _KLOG_PREFIX.sub("", lines[-1]) if lines else f"exit status {proc.returncode}"
        return None, message.removeprefix("Error: ")
    return out.decode("utf-8", errors="replace"), ""


def _strip_generator_hashes(docs: list[Any]) -> list[Any]:
    """ConfigMaps and Secrets under their logical names, and every reference to them too: a new
    hash is a content change of the ConfigMap, not a new object."""
    renames: dict[str, str] = {}
    for doc in docs:
        if isinstance(doc, dict) and doc.get("kind") in ("ConfigMap", "Secret"):
            meta = doc.get("metadata")
            name = meta.get("name") if isinstance(meta, dict) else None
            if isinstance(name, str) and _HASH_SUFFIX.search(name):
                renames[name] = _HASH_SUFFIX.sub("", name)
    if not renames:
        return docs
    return [_replace(d, renames) for d in docs]


def _replace(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, dict):
        for k, v in list(value.items()):
            value[k] = _replace(v, renames)
        return value
    if isinstance(value, list):
        for i, v in enumerate(value):
            value[i] = _replace(v, renames)
        return value
    if isinstance(value, str):
        return renames.get(value, value)
    return value


__all__ = ["KIND", "KustomizeHandler", "ModelObject"]
