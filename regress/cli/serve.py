"""``regress serve``: the GitHub App service, with embedded defaults in one process (web intake,
SQLite state and an in-process worker); ``REGRESS_QUEUE_URL``/``REGRESS_DATABASE_URL`` point it
at Redis and PostgreSQL for scale-out. Configuration is read from the environment (docs/app.md)."""

from __future__ import annotations

import argparse
from typing import Any

from regress.errors import InputError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="run the GitHub App service",
        description="Run the GitHub App webhook service. Configuration comes from REGRESS_* environment "
        "variables; REGRESS_WEBHOOK_SECRET is required. See docs/app.md.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="intake only: run workers separately with `regress worker` (scale-out)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from regress.webhooks import logs
    from regress.webhooks.app import create_app
    from regress.webhooks.reconcile import Reconciler
    from regress.webhooks.service import Service, Sweeper, run_consumer_threads
    from regress.webhooks.settings import SettingsError, from_env

    try:
        settings = from_env()
    except SettingsError as exc:
        raise InputError(str(exc)) from None
    logs.setup(settings.log_level, settings.log_format, settings.secrets())
    service = Service(settings)
    consumer = None
    sweeper = None
    reconciler = None
    if not args.no_worker:
        consumer = run_consumer_threads(service)
        sweeper = Sweeper(service)
        sweeper.start()
        reconciler = Reconciler(service)
        reconciler.start()
    try:
        uvicorn.run(create_app(service), host=args.host, port=args.port, log_config=None, access_log=False)
    finally:
        if reconciler is not None:
            reconciler.stop()
        if sweeper is not None:
            sweeper.stop()
        if consumer is not None:
            consumer.stop(graceful=True)
    return 0
