"""Regenerate the trimmed GitHub API and webhook data the fake GitHub uses.

Fetches two MIT-licensed npm packages with ``npm pack`` (needs npm and the registry; the test suite
does not), and keeps only what the App's tests use:

- ``@octokit/openapi``: GitHub's official REST OpenAPI description. For each operation the App
  calls, the request-body schema (references resolved, OpenAPI ``nullable`` turned into JSON
  Schema type lists) and the documented success example → ``openapi-subset.json``.
- ``@octokit/webhooks-examples``: webhook payloads from GitHub's docs. One example per
  (event, action) the App handles → ``webhook-examples.json``.

Both packages' license texts are kept beside the data (``LICENSE-octokit-*``).

    python tests/fakegithub/data/regenerate.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OPENAPI_PACKAGE = "@octokit/openapi@23.0.2"
EXAMPLES_PACKAGE = "@octokit/webhooks-examples@7.6.1"

#: The REST operations the App calls (by operationId).
OPERATIONS = [
    "apps/create-installation-access-token",
    "checks/create",
    "checks/update",
    "checks/list-for-ref",
    "issues/create-comment",
    "issues/update-comment",
    "issues/list-comments",
    "repos/get-collaborator-permission-level",
    "pulls/get",
    "reactions/create-for-issue-comment",
    # Per-category approver teams (``approvals.categories.<c>.teams``).
    "teams/get-membership-for-user-in-org",
    # The reconciler's.
    "apps/list-webhook-deliveries",
    "apps/redeliver-webhook-delivery",
    "apps/list-installations",
    "apps/list-repos-accessible-to-installation",
    "pulls/list",
]

#: The (event, action) pairs whose documented example payloads the tests start from.
EXAMPLES = [
    ("pull_request", "opened"),
    ("pull_request", "synchronize"),
    ("pull_request", "reopened"),
    ("pull_request", "closed"),
    ("issue_comment", "created"),
    ("pull_request_review", "submitted"),
    ("pull_request_review", "dismissed"),
    ("check_run", "requested_action"),
    ("check_run", "rerequested"),
    ("check_suite", "rerequested"),
    ("merge_group", "checks_requested"),
    ("installation", "created"),
    ("installation", "deleted"),
    ("installation_repositories", "removed"),
    ("ping", None),
]


def npm_pack(spec: str, into: Path) -> Path:
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=into, check=True, capture_output=True, text=True)
    tgz = into / out.stdout.strip().splitlines()[-1]
    folder = into / tgz.name.removesuffix(".tgz")
    with tarfile.open(tgz) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package"


def nullable_to_types(schema: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` is not JSON Schema: fold it into ``type``/``enum``."""
    if isinstance(schema, list):
        return [nullable_to_types(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: nullable_to_types(v) for k, v in schema.items() if k not in ("nullable", "example", "examples")}
    if schema.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "type" not in out and "enum" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def trim_openapi(package: Path) -> dict[str, Any]:
    spec = json.loads((package / "generated" / "api.github.com.deref.json").read_text())
    found: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") not in OPERATIONS:
                continue
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
            responses = {}
            for status, resp in op.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                content = resp.get("content", {}).get("application/json", {})
                example = next(iter(content.get("examples", {}).values()), {}).get("value")
                responses[status] = {"example": example}
            found[op["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "requestBody": nullable_to_types(body.get("schema")) if body else None,
                "requestBodyRequired": bool((op.get("requestBody") or {}).get("required")),
                "responses": responses,
            }
    missing = sorted(set(OPERATIONS) - set(found))
    if missing:
        sys.exit(f"operations not found: {missing}")
    return {
        "source": f"{OPENAPI_PACKAGE} generated/api.github.com.deref.json",
        "info": spec["info"].get("version"),
        "operations": dict(sorted(found.items())),
    }


def trim_examples(package: Path) -> dict[str, Any]:
    events = json.loads((package / "api.github.com" / "index.json").read_text())
    out: dict[str, Any] = {}
    for name, action in EXAMPLES:
        event = next(e for e in events if e["name"] == name)
        example = next(x for x in event["examples"] if x.get("action") == action)
        out[f"{name}.{action}" if action else name] = example
    return {"source": f"{EXAMPLES_PACKAGE} api.github.com/index.json", "examples": out}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        openapi = npm_pack(OPENAPI_PACKAGE, Path(tmp))
        examples = npm_pack(EXAMPLES_PACKAGE, Path(tmp))
        (HERE / "openapi-subset.json").write_text(json.dumps(trim_openapi(openapi), indent=1, sort_keys=True) + "\n")
        (HERE / "webhook-examples.json").write_text(
            json.dumps(trim_examples(examples), indent=1, sort_keys=True) + "\n"
        )
        (HERE / "LICENSE-octokit-openapi").write_text((openapi / "LICENSE").read_text())
        license_file = examples / "LICENSE"
        (HERE / "LICENSE-octokit-webhooks-examples").write_text(
            license_file.read_text() if license_file.exists() else mit_notice(examples)
        )


def mit_notice(package: Path) -> str:
    """The examples package declares MIT in package.json but ships no LICENSE file."""
    meta = json.loads((package / "package.json").read_text())
    return (
        f"{meta['name']} {meta['version']} is published under the {meta['license']} license "
        f"(package.json), by {meta.get('author') or 'the Octokit contributors'}.\n\n"
        + (HERE / "LICENSE-octokit-openapi").read_text().split("\n", 1)[1].lstrip()
    )


if __name__ == "__main__":
    main()
