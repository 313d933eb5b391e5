"""The service's parts wired together: settings, database, queue, GitHub client, mirrors,
publisher and metrics. One instance per process (web, worker, or both with ``regress serve``).

The queue is Huey: SQLite for the embedded default, Redis for scale-out. It carries ids only; the
rows they name are in the database, which is the source of truth (see ``store``), and
:class:`Sweeper` re-enqueues whatever the queue lost (a Redis restart, a worker killed after
taking a message: Huey has no acknowledgements).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey
from huey.api import Huey

from regress.webhooks import analysis, handlers, logs
from regress.webhooks.github import GitHubApi, GitHubClient, RetryLater
from regress.webhooks.metrics import Metrics
from regress.webhooks.mirror import Mirrors
from regress.webhooks.publish import Publisher
from regress.webhooks.settings import MAX_ATTEMPTS, Settings
from regress.webhooks.store import Delivery, DeliveryState, Store, Work

log = logging.getLogger("regress.webhooks.service")
QUEUE_NAME = "regress"


def make_huey(settings: Settings) -> Huey:
    if settings.queue_url.startswith("sqlite:///"):
        path = Path(settings.queue_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=QUEUE_NAME, filename=str(path), results=False, utc=True, timeout=30)
    return RedisHuey(name=QUEUE_NAME, url=settings.queue_url, results=False, utc=True, blocking=True)


class Service:
    def __init__(self, settings: Settings, github: GitHubApi | None = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.database_url)
        self.store.create_schema()
        self.metrics = Metrics()
        self.github: GitHubApi = github or GitHubClient(settings, on_response=self.metrics.on_github_response)
        self.mirrors = Mirrors(settings.mirrors_dir)
        self.publisher = Publisher(self.store, self.github, settings.app_id)
        self.huey = make_huey(settings)
        # Task names are fixed so web and worker processes agree on them.
        self._delivery_task = self.huey.task(name="regress.delivery")(self.run_delivery)
        self._work_task = self.huey.task(name="regress.work")(self.run_work)
        self.metrics.watch_queue(self.queue_depth)

    # -- identity and leases ---------------------------------------------------------------------
    @staticmethod
    def owner() -> str:
        return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    @contextmanager
    def heartbeat(self, kind: str, key: str, owner: str) -> Iterator[None]:
        """Renew a claimed row's lease while the job runs, so only a dead worker's job is re-run."""
        table: type[Delivery] | type[Work] = Work if kind == "work" else Delivery
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(self.settings.lease_seconds / 3):
                try:
                    self.store.renew(table, key, owner, self.settings.lease_seconds)
                except Exception:
                    log.warning("lease renewal failed for %s", key, exc_info=True)

        thread = threading.Thread(target=renew, name=f"lease-{key}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)

    # -- queue -----------------------------------------------------------------------------------
    def enqueue_delivery(self, delivery_id: str) -> None:
        self._delivery_task(delivery_id)

    def enqueue_work(self, key: str) -> None:
        self._work_task(key)

    def queue_depth(self) -> float:
        try:
            return float(self.huey.pending_count() + self.store.pending_work())
        except Exception:  # noqa: BLE001 - a scrape must not fail because the queue is down
            return float("nan")

    def accept(
        self, delivery_id: str, event: str, action: str | None, installation: int | None, repo: str | None, body: bytes
    ) -> bool:
        """Store a verified delivery and enqueue it; False when it was a duplicate.

        Stored first, then enqueued: if the enqueue fails the row is still there and the sweeper
        enqueues it, so an accepted delivery is never lost.
        """
        if not self.store.add_delivery(delivery_id, event, action, installation, repo, body):
            return False
        try:
            self.enqueue_delivery(delivery_id)
        except Exception:
            log.warning("enqueue failed; the sweeper will pick the delivery up", exc_info=True)
        return True

    # -- tasks -----------------------------------------------------------------------------------
    def run_delivery(self, delivery_id: str) -> None:
        owner = self.owner()
        token = logs.delivery_id.set(delivery_id)
        try:
            delivery = self.store.claim_delivery(delivery_id, owner, self.settings.lease_seconds)
            if delivery is None:
                return  # done already, or another worker has it
            if delivery.attempts > MAX_ATTEMPTS:
                log.error("delivery given up after %d attempts", delivery.attempts - 1)
                self.store.finish_delivery(delivery_id, DeliveryState.FAILED, "given up: its workers kept dying")
                return
            with self.heartbeat("delivery", delivery_id, owner):
                try:
                    state, outcome = handlers.handle(self, delivery)
                except RetryLater as exc:
                    log.warning("delivery deferred %.0fs: %s", exc.delay, exc)
                    self.store.release_delivery(delivery_id, f"deferred: {exc}", exc.delay)
                    return
                except Exception as exc:
                    log.exception("delivery failed", extra={"event": delivery.event})
                    self.store.finish_delivery(delivery_id, DeliveryState.FAILED, f"{type(exc).__name__}: {exc}")
                    return
            self.store.finish_delivery(delivery_id, state, outcome)
            log.info(
                "delivery %s: %s",
                state.value,
                outcome,
                extra={"event": delivery.event, "action": delivery.action, "repo": delivery.repo},
            )
        finally:
            logs.delivery_id.reset(token)

    def run_work(self, key: str) -> None:
        try:
            analysis.run(self, key)
        except Exception:
            log.exception("work %s failed", key)
            self._give_up(key)

    def _give_up(self, key: str) -> None:
        """A job that raised unexpectedly: report the failure on its check run, then release it."""
        work = self.store.get_work(key)
        if work is None or work.lease_owner != self.owner():
            return
        try:
            from regress.webhooks.github import RepoRef

            self.publisher.fail(
                work.installation_id,
                work.repo_id,
                RepoRef.parse(work.repo),
                work.head_sha,
                "internal error in regress; see the service's logs",
            )
        except Exception:
            log.warning("could not report the failure on the check run", exc_info=True)
        self.store.finish_work(key, self.owner(), work.requested, work.head_sha, error="internal error")

    def forget_installation(self, installation_id: int) -> None:
        if isinstance(self.github, GitHubClient):
            self.github.forget_installation(installation_id)

    # -- recovery --------------------------------------------------------------------------------
    def sweep(self) -> tuple[int, int]:
        """Re-enqueue stored deliveries and pending work that no live worker or message covers."""
        older = self.settings.sweep_seconds
        deliveries = self.store.stale_deliveries(older)
        for did in deliveries:
            self.enqueue_delivery(did)
        work = self.store.stale_work(older)
        for key in work:
            self.enqueue_work(key)
        if deliveries or work:
            log.info("sweeper re-enqueued %d deliveries and %d work items", len(deliveries), len(work))
        return len(deliveries), len(work)


class Sweeper:
    """Runs :meth:`Service.sweep` every ``sweep_seconds`` in a background thread."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="regress-sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            try:
                self.service.sweep()
            except Exception:
                log.warning("sweep failed", exc_info=True)
            if self._stop.wait(self.service.settings.sweep_seconds):
                return


def run_consumer_threads(service: Service) -> Any:
    """Huey's consumer as threads of this process (``regress serve``), without the signal
    handlers ``Consumer.start`` installs: uvicorn owns the process's signals."""
    consumer = service.huey.create_consumer(workers=service.settings.workers, worker_type="thread", periodic=False)
    consumer.scheduler.start()
    for _, worker in consumer.worker_threads:
        worker.start()
    return consumer
