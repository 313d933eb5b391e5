"""Rendering charts offline, bounded in time, memory and output.

Backends, in order of preference:

1. helm-python-sdk (Helm v4's Go SDK through a C library), in a child process
   (``regress.kinds.helm.worker``): the library renders without a cluster (``lookup`` returns
   nothing, ``getHostByName`` returns "" unless DNS is enabled, which it is not: helm.sh/helm
   pkg/engine/engine.go), and the child gets an address-space limit.
2. ``helm template`` from a ``helm`` binary on PATH, each render its own process with the same
   limits and a fresh, empty Helm home (no repositories, no plugins).
3. None: the caller falls back to values-level analysis and says so.

A job that runs past its time, its memory or its output bound becomes an error result with
``limit`` set; the other jobs still run.
"""

from __future__ import annotations

import contextlib
import enum
import importlib.util
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

RELEASE_NAME = "release"
#: Rendered objects without a namespace land in the release namespace; rendering into
#: ``default`` makes them share an identity with objects that spell ``namespace: default``.
RELEASE_NAMESPACE = "default"


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float = 30.0
    memory: int = 3 * 1024 * 1024 * 1024
    output: int = 64 * 1024 * 1024


DEFAULT_LIMITS = Limits()


class Backend(enum.StrEnum):
    SDK = "helm-python-sdk"
    BINARY = "helm"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class RenderJob:
    id: str
    chart_dir: str
    values_file: str | None


@dataclass(frozen=True, slots=True)
class RenderResult:
    id: str
    manifests: dict[str, str] | None
    error: str | None = None
    #: The error is a bound that was hit (time, memory, output), not a template error.
    limit: bool = False


def available_backends() -> list[Backend]:
    out: list[Backend] = []
    if os.name != "posix":
        return out  # the limits below rely on POSIX rlimits, process groups and select() on pipes
    if importlib.util.find_spec("helm_python") is not None:
        out.append(Backend.SDK)
    if shutil.which("helm"):
        out.append(Backend.BINARY)
    return out


class BackendUnavailable(Exception):
    pass


def render(jobs: Sequence[RenderJob], backend: Backend, limits: Limits = DEFAULT_LIMITS) -> list[RenderResult]:
    """Results in job order; raises BackendUnavailable when the backend cannot run at all."""
    if backend is Backend.SDK:
        return _render_sdk(jobs, limits)
    if backend is Backend.BINARY:
        return [_render_binary(job, limits) for job in jobs]
    raise BackendUnavailable("no Helm renderer")


# -- helm-python-sdk in a worker process ----------------------------------------------------------


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR", "HELM_C_LIB")}
    # Go reads GOMAXPROCS from the environment; rendering is single-threaded work anyway.
    env["GOMAXPROCS"] = "2"
    return env


def _render_sdk(jobs: Sequence[RenderJob], limits: Limits) -> list[RenderResult]:
    results: dict[str, RenderResult] = {}
    pending = list(jobs)
    retried: set[str] = set()
    while pending:
        done, fatal = _run_worker(pending, limits, results)
        if fatal is not None:
            raise BackendUnavailable(fatal)
        last = pending[done - 1]
        outcome = results[last.id]
        if outcome.error == _DIED and last.id not in retried:
            # Go reserves its heap's address space at start-up, and under an address-space limit
            # that occasionally fails before any template runs: a worker that died is given one
            # more chance on the same job before the job counts as over the limit.
            retried.add(last.id)
            del results[last.id]
            pending = pending[done - 1 :]
            continue
        if outcome.error == _DIED:
            results[last.id] = RenderResult(last.id, None, "rendering needed more memory than the limit allows", True)
        pending = pending[done:]
    return [results[j.id] for j in jobs]


_DIED = "rendering needed more memory than the limit allows (worker died)"


def _run_worker(jobs: list[RenderJob], limits: Limits, results: dict[str, RenderResult]) -> tuple[int, str | None]:
    """Runs one worker over ``jobs``; returns how many jobs got a result (at least one)."""
    request = {
        "memory": limits.memory,
        "max_output": limits.output,
        "jobs": [
            {
                "id": j.id,
                "chart": j.chart_dir,
                "values_file": j.values_file,
                "name": RELEASE_NAME,
                "namespace": RELEASE_NAMESPACE,
            }
            for j in jobs
        ],
    }
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "regress.kinds.helm.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env=_child_env(),
            start_new_session=True,
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(request).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        reader = _LineReader(proc.stdout.fileno(), int(limits.output * 1.5) + 4096)
        done = 0
        try:
            for job in jobs:
                # The first reply also waits for the worker to start and load the library.
                line, why = reader.readline(limits.seconds + (2.0 if done == 0 else 0.0), limits.seconds)
                if line is None:
                    _kill(proc)
                    if why == "eof":
                        why = _death_reason(proc, err)
                    results[job.id] = RenderResult(job.id, None, why, limit=True)
                    return done + 1, None
                reply = json.loads(line)
                if "fatal" in reply:
                    return 0, str(reply["fatal"])
                if "manifests" in reply:
                    manifests = {str(k): str(v) for k, v in reply["manifests"].items()}
                    results[job.id] = RenderResult(job.id, manifests)
                else:
                    results[job.id] = RenderResult(job.id, None, str(reply.get("error")), bool(reply.get("limit")))
                done += 1
        finally:
            _kill(proc)
        return done, None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _death_reason(proc: subprocess.Popen[bytes], err: object) -> str:
    stderr = b""
    try:
        err.seek(0)  # type: ignore[attr-defined]
        stderr = err.read(4096)  # type: ignore[attr-defined]
    except OSError:
        pass
    if b"memory" in stderr or b"MemoryError" in stderr:
        return _DIED
    fatal = next((ln for ln in stderr.decode("utf-8", "replace").splitlines() if "fatal" in ln.lower()), "")
    return f"the renderer stopped unexpectedly (exit status {proc.returncode}{': ' + fatal[:200] if fatal else ''})"


class _LineReader:
    """Reads newline-terminated replies from a pipe with a deadline and a size bound."""

    def __init__(self, fd: int, max_line: int) -> None:
        self.fd = fd
        self.max_line = max_line
        self.buf = bytearray()

    def readline(self, timeout: float, shown: float) -> tuple[str | None, str]:
        deadline = time.monotonic() + timeout
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line = bytes(self.buf[:nl])
                del self.buf[: nl + 1]
                return line.decode("utf-8", errors="replace"), ""
            if len(self.buf) > self.max_line:
                return None, "rendered output is over the size limit"
            left = deadline - time.monotonic()
            if left <= 0:
                return None, f"rendering took longer than {shown:.0f} s"
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return None, "eof"
            self.buf.extend(chunk)


# -- helm binary ----------------------------------------------------------------------------------


def _render_binary(job: RenderJob, limits: Limits) -> RenderResult:
    helm = shutil.which("helm")
    if helm is None:
        raise BackendUnavailable("no helm binary on PATH")
    args = [helm, "template", RELEASE_NAME, job.chart_dir, "--namespace", RELEASE_NAMESPACE]
    if job.values_file:
        args += ["--values", job.values_file]
    with tempfile.TemporaryDirectory(prefix="regress-helm-home-") as home, tempfile.TemporaryFile() as err:
        env = _child_env()
        # An empty Helm home: no configured repositories, registries or plugins are used.
        env.update(
            HOME=home,
            HELM_CACHE_HOME=f"{home}/cache",
            HELM_CONFIG_HOME=f"{home}/config",
            HELM_DATA_HOME=f"{home}/data",
            HELM_PLUGINS=f"{home}/plugins",
        )

        def limit_memory() -> None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))

        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            preexec_fn=limit_memory,  # noqa: PLW1509 - only setrlimit, no locks taken
            start_new_session=True,
        )
        assert proc.stdout is not None
        out, why = _read_all(proc.stdout.fileno(), limits)
        _kill(proc)
        if out is None:
            return RenderResult(job.id, None, why, limit=True)
        if proc.returncode != 0:
            err.seek(0)
            message = err.read(2000).decode("utf-8", errors="replace").strip()
            if "out of memory" in message:
                return RenderResult(job.id, None, "rendering needed more memory than the limit allows", limit=True)
            return RenderResult(job.id, None, message.removeprefix("Error: ") or "helm template failed")
        return RenderResult(job.id, split_stream(out))


def _read_all(fd: int, limits: Limits) -> tuple[str | None, str]:
    deadline = time.monotonic() + limits.seconds
    buf = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, f"rendering took longer than {limits.seconds:.0f} s"
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return buf.decode("utf-8", errors="replace"), ""
        buf.extend(chunk)
        if len(buf) > limits.output:
            return None, f"rendered output is over the {limits.output // (1024 * 1024)} MiB limit"


def split_stream(text: str) -> dict[str, str]:
    """``helm template`` output (documents headed by ``# Source: path``) by template path."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("# Source: "):
            path = line[len("# Source: ") :].strip()
            current = out.setdefault(path, [])
            if current:
                current.append("---\n")
            continue
        if line.rstrip() == "---":
            continue
        if current is not None:
            current.append(line)
    return {k: "".join(v) for k, v in out.items() if "".join(v).strip()}
