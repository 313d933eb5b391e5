"""``regress app manifest``: the GitHub App manifest, checked against GitHub's documented fields.

The manifest's fields come from GitHub's docs, "Registering a GitHub App from a manifest"
(docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest, section
"GitHub App Manifest parameters"): ``name``, ``url`` (required), ``hook_attributes`` (``url``
required, ``active``), ``redirect_url``, ``callback_urls`` (up to 10), ``setup_url``,
``description``, ``public``, ``default_events``, ``default_permissions``,
``request_oauth_on_install``, ``setup_on_update``. Permission names and levels are checked against
GitHub's own OpenAPI description (the ``app-permissions`` schema of
``apps/create-installation-access-token``, vendored under tests/fakegithub/data).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from regress.webhooks import events
from regress.webhooks.manifest import EVENTS, PERMISSIONS

REGRESS = str(Path(sys.executable).parent / "regress")
DATA = Path(__file__).parent / "fakegithub" / "data"

_URL = {"type": "string", "pattern": "^https?://[^/]+"}
#: The documented manifest parameters, as a JSON Schema (nothing else is accepted).
MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["url"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "url": _URL,
        "hook_attributes": {
            "type": "object",
            "additionalProperties": False,
            "required": ["url"],
            "properties": {"url": _URL, "active": {"type": "boolean"}},
        },
        "redirect_url": _URL,
        "callback_urls": {"type": "array", "items": _URL, "maxItems": 10},
        "setup_url": _URL,
        "description": {"type": "string"},
        "public": {"type": "boolean"},
        "default_events": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "default_permissions": {"type": "object"},
        "request_oauth_on_install": {"type": "boolean"},
        "setup_on_update": {"type": "boolean"},
    },
}


def permissions_schema() -> dict[str, Any]:
    ops = json.loads((DATA / "openapi-subset.json").read_text(encoding="utf-8"))["operations"]
    schema = dict(ops["apps/create-installation-access-token"]["requestBody"]["properties"]["permissions"])
    schema["additionalProperties"] = False  # an unknown permission name is a mistake, not an extension
    return schema


def manifest_of(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([REGRESS, "app", "manifest", *args], capture_output=True, text=True, timeout=60, check=False)


def test_manifest_is_valid_against_the_documented_fields() -> None:
    proc = manifest_of("--url", "https://regress.example.com/", "--redirect-url", "https://regress.example.com/done")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads(proc.stdout)
    jsonschema.validate(manifest, MANIFEST_SCHEMA)
    jsonschema.validate(manifest["default_permissions"], permissions_schema())
    assert manifest["url"] == "https://regress.example.com"
    assert manifest["hook_attributes"] == {"url": "https://regress.example.com/webhook", "active": True}
    assert manifest["redirect_url"] == "https://regress.example.com/done"
    assert manifest["public"] is False


def test_manifest_asks_for_the_minimal_permissions_and_events() -> None:
    manifest = json.loads(manifest_of("--url", "https://regress.example.com").stdout)
    # GITHUB.md §7: exactly these, and notably no Commit statuses, Contents write or Administration.
    assert manifest["default_permissions"] == {
        "metadata": "read",
        "contents": "read",
        "checks": "write",
        "pull_requests": "write",
        "issues": "read",
        "merge_queues": "read",
    }
    assert manifest["default_events"] == [
        "pull_request",
        "issue_comment",
        "pull_request_review",
        "check_run",
        "check_suite",
        "merge_group",
    ]


def test_team_approvers_add_only_the_members_read_permission() -> None:
    proc = manifest_of("--url", "https://regress.example.com", "--team-approvers")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads(proc.stdout)
    jsonschema.validate(manifest["default_permissions"], permissions_schema())
    # GITHUB.md §7: Members (organization) read, only when approvers are teams.
    assert manifest["default_permissions"] == {**PERMISSIONS, "members": "read"}
    assert manifest["default_events"] == list(EVENTS)


def test_every_subscribed_event_is_handled_and_every_handled_event_is_subscribed() -> None:
    # installation and installation_repositories reach every App without a subscription (and
    # cannot be listed in default_events).
    always_sent = {"installation", "installation_repositories"}
    assert set(EVENTS) == set(events.HANDLED) - always_sent
    examples = json.loads((DATA / "webhook-examples.json").read_text(encoding="utf-8"))["examples"]
    documented_events = {key.split(".")[0] for key in examples}
    assert set(EVENTS) <= documented_events


def test_permission_schema_rejects_what_github_would() -> None:
    schema = permissions_schema()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"checks": "admin"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"pull_request": "write"}, schema)  # the name is pull_requests
    jsonschema.validate(PERMISSIONS, schema)


def test_html_form_posts_the_manifest_to_github() -> None:
    proc = manifest_of("--url", "https://regress.example.com", "--format", "html", "--org", "acme", "--public")
    assert proc.returncode == 0, proc.stderr
    action = re.search(r'<form action="([^"]+)" method="post">', proc.stdout)
    assert action is not None and action.group(1) == "https://github.com/organizations/acme/settings/apps/new"
    value = re.search(r'<input type="hidden" name="manifest" value="([^"]+)">', proc.stdout)
    assert value is not None
    manifest = json.loads(html.unescape(value.group(1)))
    jsonschema.validate(manifest, MANIFEST_SCHEMA)
    assert manifest["public"] is True


def test_bad_url_is_a_usage_error() -> None:
    proc = manifest_of("--url", "regress.example.com")
    assert proc.returncode == 2
    assert proc.stderr == "regress: error: --url must be a full http(s) URL, not 'regress.example.com'\n"
