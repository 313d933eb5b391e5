"""``regress approvals``: the audit trail of approvals given through the GitHub App."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from regress.errors import InputError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "approvals",
        help="list approvals given through the GitHub App",
        description="List the approvals stored by the GitHub App service (REGRESS_DATABASE_URL or "
        "REGRESS_DATA_DIR say where): who approved which findings, when, why, through which channel, "
        "on which head commit, and whether they were revoked; and approvals given before their head's "
        "analysis had finished, with what became of them.",
    )
    p.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the repository")
    p.add_argument("--pr", type=int, metavar="N", help="only this pull request")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from regress.webhooks.settings import SettingsError, from_env
    from regress.webhooks.store import Store, iso

    if "/" not in args.repo:
        raise InputError(f"--repo {args.repo!r}: give OWNER/NAME")
    try:
        settings = from_env(need_github=False)
    except SettingsError as exc:
        raise InputError(str(exc)) from None
    if settings.database_url.startswith("sqlite:///"):
        path = settings.database_url.removeprefix("sqlite:///")
        from pathlib import Path

        if not Path(path).exists():
            raise InputError(f"no database at {path} (set REGRESS_DATA_DIR or REGRESS_DATABASE_URL)")
    try:
        store = Store(settings.database_url)
        store.create_schema()
        rows = store.approvals(repo=args.repo, pr_number=args.pr)
        early = store.approvals_given_early(args.repo, args.pr)
    except Exception as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read the approvals database: {type(exc).__name__}: {exc}") from None
    if args.format == "json":
        doc = {
            "repo": args.repo,
            "approvals": [r.to_json() for r in rows],
            # Approvals given before their head's analysis had finished: pending, or what became
            # of them (an applied one is among "approvals" too).
            "given_before_analysis": [p.to_json() for p in early],
        }
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows and not early:
        print(f"no approvals recorded for {args.repo}{f' #{args.pr}' if args.pr else ''}")
        return 0
    for r in rows:
        state = f"revoked {iso(r.revoked)} by {r.revoked_by}" if r.revoked else "active"
        print(
            f"#{r.pr_number} {iso(r.created)} {r.approver} ({r.role}) via {r.source} on {r.head_sha[:12]} [{state}]\n"
            f"    fingerprints: {', '.join(sorted(r.fingerprints))}\n"
            f"    reason: {r.reason}" + (f"\n    source: {r.source_ref}" if r.source_ref else "")
        )
    for e in early:
        named = "all" if e.all else ", ".join(e.fingerprints)
        outcome = e.state.value + (f": {e.outcome}" if e.outcome else "")
        print(
            f"#{e.pr_number} {iso(e.created)} {e.approver} via {e.source} on {e.head_sha[:12]}, "
            f"before its analysis had finished [{outcome}]\n"
            f"    approves: {named}\n"
            f"    reason: {e.reason}" + (f"\n    source: {e.source_ref}" if e.source_ref else "")
        )
    return 0
