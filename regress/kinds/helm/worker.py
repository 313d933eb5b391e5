"""The render worker: a child process that renders charts with helm-python-sdk.

Helm's engine runs in-process through a Go library; a template that loops or allocates without
bound cannot be interrupted from Python and a Go out-of-memory error ends the whole process. So
rendering happens here, in a process of its own with an address-space limit, and the parent
(``regress.kinds.helm.render``) enforces the time limit and reads results one line per job.

Request (stdin, one JSON object): ``{"memory": bytes, "max_output": bytes, "jobs": [{"id",
"chart", "values_file", "name", "namespace"}]}``. Reply (stdout): one JSON line per job, in order:
``{"id", "manifests": {template path: text}}`` or ``{"id", "error": message, "limit": bool}``;
or a single ``{"fatal": message}`` when the library cannot be loaded at all.

This module imports nothing from regress, so the child starts fast.
"""

from __future__ import annotations

import json
import posixpath
import resource
import sys
from typing import Any


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _keep(path: str) -> bool:
    # Partials (_helpers.tpl) render to nothing and NOTES.txt is never deployed: Helm itself
    # leaves both out of a release's manifest (pkg/action/action.go renderResources).
    base = posixpath.basename(path)
    return not base.startswith("_") and base != "NOTES.txt"


def main() -> int:
    request = json.loads(sys.stdin.read())
    memory = int(request.get("memory") or 0)
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    max_output = int(request.get("max_output") or 0)
    try:
        import helm_python
    except Exception as exc:  # noqa: BLE001 - any import failure means "no SDK here"
        _emit({"fatal": f"helm-python-sdk cannot be loaded: {type(exc).__name__}: {exc}"})
        return 0
    for job in request.get("jobs", []):
        _emit(_render(helm_python, job, max_output))
    return 0


def _render(helm: Any, job: dict[str, Any], max_output: int) -> dict[str, Any]:
    job_id = job["id"]
    try:
        values: dict[str, Any] = {}
        if job.get("values_file"):
            with open(job["values_file"], encoding="utf-8", errors="replace") as fh:
                values = helm.values_from_yaml(fh.read()) or {}
        with helm.Chart.load(job["chart"]) as chart:
            rendered = chart.render(values, name=job["name"], namespace=job["namespace"])
    except Exception as exc:  # noqa: BLE001 - the library raises its own error types
        return {"id": job_id, "error": _short(str(exc) or type(exc).__name__), "limit": False}
    manifests = {k: v for k, v in rendered.items() if _keep(k) and v.strip()}
    size = sum(len(v) for v in manifests.values())
    if max_output and size > max_output:
        return {
            "id": job_id,
            "error": f"rendered output is {size // (1024 * 1024)} MiB, over the "
            f"{max_output // (1024 * 1024)} MiB limit",
            "limit": True,
        }
    return {"id": job_id, "manifests": manifests}


def _short(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    text = " ".join(lines)
    return text if len(text) <= 400 else text[:397] + "..."


if __name__ == "__main__":
    sys.exit(main())
