"""``regress reconcile``: one reconcile pass of the GitHub App now (docs/app.md): redeliver the
failed deliveries GitHub still keeps, and queue an analysis for every open pull request whose head
has no completed ``regress`` check run. Prints what it did."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from regress.errors import InputError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "reconcile",
        help="run one reconcile pass of the GitHub App now",
        description="Redeliver failed webhook deliveries still within GitHub's redelivery window and queue "
        "an analysis for each open pull request whose head has no completed regress check run. Uses the same "
        "REGRESS_* environment as `regress serve`; the analyses run in the service's workers.",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from regress.webhooks import logs
    from regress.webhooks.reconcile import LOCK, run_now
    from regress.webhooks.service import Service
    from regress.webhooks.settings import SettingsError, from_env

    try:
        settings = from_env()
    except SettingsError as exc:
        raise InputError(str(exc)) from None
    logs.setup(settings.log_level, settings.log_format, settings.secrets())
    service = Service(settings)
    summary = run_now(service)
    if summary is None:
        holder = service.store.lock_holder(LOCK) or "another process"
        raise InputError(f"a reconcile pass is running already ({holder}); try again when it has finished")
    if args.format == "json":
        json.dump(dataclasses.asdict(summary), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for line in summary.lines():
            print(line)
    return 1 if summary.errors else 0
