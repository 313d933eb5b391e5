"""``regress app manifest``: the GitHub App manifest for GitHub's manifest flow (docs/getting-started.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from regress.errors import UsageError

GITHUB_URL = "https://github.com"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "app",
        help="GitHub App helpers (the registration manifest)",
        description="Helpers for setting up the GitHub App service.",
    )
    app_sub = p.add_subparsers(dest="app_command", metavar="COMMAND", parser_class=type(p))
    m = app_sub.add_parser(
        "manifest",
        help="print the GitHub App manifest for GitHub's manifest flow",
        description="Print the GitHub App manifest (minimal permissions and events) as JSON, or as an HTML "
        "page whose button registers the App on GitHub.",
    )
    m.add_argument("--url", required=True, help="where the service is reached, e.g. https://regress.example.com")
    m.add_argument("--name", default="regress", help="the App's name (default regress; unique on GitHub)")
    m.add_argument("--homepage", help="the App's homepage (default: --url)")
    m.add_argument("--redirect-url", help="where GitHub sends the browser after registration, with the code")
    m.add_argument("--public", action="store_true", help="let other accounts install the App (default: owner only)")
    m.add_argument(
        "--team-approvers",
        action="store_true",
        help="also ask for the organization's Members read permission, needed when .regress.yml names "
        "approver teams (approvals: teams)",
    )
    m.add_argument("--format", choices=("json", "html"), default="json")
    m.add_argument("--org", help="with --format html: register the App under this organization")
    m.add_argument("--github-url", default=GITHUB_URL, help="with --format html: GitHub Enterprise Server's address")
    m.set_defaults(run=run_manifest)
    p.set_defaults(run=_need_command(p))


def _need_command(parser: argparse.ArgumentParser) -> Any:
    def run(args: argparse.Namespace) -> int:
        raise UsageError(f"{parser.prog}: give a command (manifest)")

    return run


def run_manifest(args: argparse.Namespace) -> int:
    from regress.webhooks.manifest import (
        ManifestError,
        ManifestOptions,
        build,
        registration_url,
        render_form,
        render_json,
    )

    try:
        manifest = build(
            ManifestOptions(
                url=args.url,
                name=args.name,
                homepage=args.homepage,
                redirect_url=args.redirect_url,
                public=args.public,
                team_approvers=args.team_approvers,
            )
        )
        if args.format == "html":
            sys.stdout.write(render_form(manifest, registration_url(args.github_url, args.org)))
        else:
            sys.stdout.write(render_json(manifest))
    except ManifestError as exc:
        raise UsageError(str(exc)) from None
    return 0
