"""``regress worker``: workers only (scale-out): take deliveries and analyses from the queue
(``REGRESS_QUEUE_URL``), re-enqueue what a dead worker or a restarted queue left behind, and run
the periodic reconcile pass (``REGRESS_RECONCILE_INTERVAL``)."""

from __future__ import annotations

import argparse
from typing import Any

from regress.errors import InputError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "worker",
        help="run GitHub App workers",
        description="Run workers for the GitHub App service (same REGRESS_* environment as `regress serve`).",
    )
    p.add_argument("--workers", type=int, help="worker threads (default REGRESS_WORKERS, else 2)")
    p.add_argument("--metrics-port", type=int, help="serve this worker's Prometheus metrics on this port")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import os

    from prometheus_client import start_http_server

    from regress.webhooks import logs
    from regress.webhooks.reconcile import Reconciler
    from regress.webhooks.service import Service, Sweeper
    from regress.webhooks.settings import SettingsError, from_env

    try:
        settings = from_env()
    except SettingsError as exc:
        raise InputError(str(exc)) from None
    if args.workers is not None:
        if args.workers < 1:
            raise InputError("--workers must be at least 1")
        settings = dataclasses.replace(settings, workers=args.workers)
    logs.setup(settings.log_level, settings.log_format, settings.secrets())
    if settings.worker_nice:
        # Analyses are throughput work; on machines shared with web replicas they can yield the
        # CPU. (Not with SQLite state: a descheduled worker holding the database's write lock
        # would stall intake.)
        os.nice(settings.worker_nice)
    service = Service(settings)
    if args.metrics_port:
        start_http_server(args.metrics_port, registry=service.metrics.registry)
    sweeper = Sweeper(service)
    sweeper.start()
    reconciler = Reconciler(service)
    reconciler.start()
    consumer = service.huey.create_consumer(workers=settings.workers, worker_type="thread", periodic=False)
    try:
        consumer.run()  # returns on SIGINT/SIGTERM after a graceful stop
    finally:
        reconciler.stop()
        sweeper.stop()
    return 0
