"""The GitHub App manifest for GitHub's manifest flow: the App regress needs, and nothing more.

GitHub's docs ("Registering a GitHub App from a manifest") define the manifest as a JSON object
with ``name``, ``url`` (required: the App's homepage), ``hook_attributes`` (``url`` required,
``active``), ``redirect_url``, ``callback_urls`` (at most 10), ``setup_url``, ``description``,
``public``, ``default_events``, ``default_permissions``, ``request_oauth_on_install`` and
``setup_on_update``. It is POSTed as the ``manifest`` field of a form to
``https://github.com/settings/apps/new`` (an organization's App:
``https://github.com/organizations/ORG/settings/apps/new``); GitHub then redirects to
``redirect_url`` with a ``code`` that ``POST /app-manifests/{code}/conversions`` trades for the
App's id, private key and webhook secret.

The permissions and events are the minimum the service uses (docs/app.md, "Setting up the App"):
no Commit statuses (spoofable, never the gate), no Contents write, no Administration.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: Repository permissions, by the names the REST API uses (the ``app-permissions`` schema).
PERMISSIONS: dict[str, str] = {
    # Mandatory for every App; includes the collaborator-permission look-up that authorizes approvers.
    "metadata": "read",
    # Fetch the base and head commits; read .regress.yml and the approvals file from the base side.
    "contents": "read",
    # Create and update the `regress` check run; receive check_run/check_suite re-run and button events.
    "checks": "write",
    # The pull_request events, and the one comment per PR (issue comments on a PR need this or Issues: write).
    "pull_requests": "write",
    # Needed to receive issue_comment events: the `/regress approve` channel.
    "issues": "read",
    # Receive merge_group events, so the check also runs in merge queues.
    "merge_queues": "read",
}

#: Webhook events to subscribe to. Installation events are sent to every App without subscribing.
EVENTS: tuple[str, ...] = (
    "pull_request",
    "issue_comment",
    # `/regress` commands in a review's text (the Pull requests permission covers it).
    "pull_request_review",
    "check_run",
    "check_suite",
    "merge_group",
)
#: Organization permissions for approver teams (``approvals.categories.<c>.teams``): reading a
#: user's team membership needs Members read (GITHUB.md §7; "Get team membership for a user"),
#: asked for only when the App is registered for team policies (``--team-approvers``).
TEAM_PERMISSIONS: dict[str, str] = {"members": "read"}

DEFAULT_NAME = "regress"
DESCRIPTION = (
    "Judges the change, not the tree: reports what a pull request weakens in tests, security, "
    "monitoring and reliability, and requires an audited approval for it."
)


class ManifestError(ValueError):
    """The options do not make a usable manifest; the message says which."""


@dataclass(frozen=True, slots=True)
class ManifestOptions:
    #: Where the service is reached: the webhook goes to ``<url>/webhook``.
    url: str
    name: str = DEFAULT_NAME
    #: The App's homepage, shown on its public page (default: the service URL).
    homepage: str | None = None
    #: Where GitHub sends the browser with the ``code`` after registration.
    redirect_url: str | None = None
    #: Installable by other accounts (``public``) or by the owner only.
    public: bool = False
    #: Ask for the organization's Members read permission, so approver teams can be checked.
    team_approvers: bool = False


def _check_url(what: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ManifestError(f"{what} must be a full http(s) URL, not {value!r}")
    return value


def build(options: ManifestOptions) -> dict[str, Any]:
    """The manifest as a JSON-ready mapping."""
    name = options.name.strip()
    if not name:
        raise ManifestError("the App name must not be empty")
    base = _check_url("--url", options.url).rstrip("/")
    manifest: dict[str, Any] = {
        "name": name,
        "url": _check_url("--homepage", options.homepage) if options.homepage else base,
        "description": DESCRIPTION,
        "hook_attributes": {"url": f"{base}/webhook", "active": True},
        "public": options.public,
        "default_permissions": {**PERMISSIONS, **(TEAM_PERMISSIONS if options.team_approvers else {})},
        "default_events": list(EVENTS),
    }
    if options.redirect_url:
        manifest["redirect_url"] = _check_url("--redirect-url", options.redirect_url)
    return manifest


def registration_url(github_url: str, org: str | None) -> str:
    """Where the manifest form is POSTed (github.com, or a GitHub Enterprise Server host)."""
    root = _check_url("--github-url", github_url).rstrip("/")
    return f"{root}/organizations/{org}/settings/apps/new" if org else f"{root}/settings/apps/new"


def render_json(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2) + "\n"


def render_form(manifest: dict[str, Any], action: str) -> str:
    """A page that POSTs the manifest to GitHub when its button is pressed (the documented flow)."""
    value = html.escape(json.dumps(manifest), quote=True)
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>Register the regress GitHub App</title></head>\n'
        "<body>\n"
        f'<form action="{html.escape(action, quote=True)}" method="post">\n'
        f'  <input type="hidden" name="manifest" value="{value}">\n'
        '  <button type="submit">Register the GitHub App</button>\n'
        "</form>\n</body></html>\n"
    )
