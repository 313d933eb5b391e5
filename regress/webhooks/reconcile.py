"""The reconciler: catch up with what GitHub never delivered, or delivered while nobody listened.

"GitHub does not automatically redeliver failed deliveries", and a payload over 25 MB is not
delivered at all ("Handling failed webhook deliveries", "Webhook events and payloads"). A pass:

1. **Redelivers** failed deliveries. It lists the App's hook deliveries (App JWT,
   ``GET /app/hook/deliveries``, newest first, followed by the ``cursor`` of the ``Link`` header)
   back to the redelivery window (3 days on github.com, 7 on GHES: ``redelivery_days``), groups
   them by GUID (a redelivery keeps the ``X-GitHub-Delivery`` of the original), and asks GitHub to
   redeliver (``POST /app/hook/deliveries/{id}/attempts``) each GUID that has no ``OK`` attempt, is
   an event the service handles, and is not stored here. This follows GitHub's own recipe
   ("Automatically redelivering failed deliveries for a GitHub App webhook").
2. **Re-scans open pull requests**: every installation's repositories and their open PRs; a PR
   whose head has no completed ``regress`` check run from this service, and no analysis pending
   for that head, is requested through the same path as ``pull_request.synchronize`` (its state
   recorded, older heads superseded). This also covers a crash between "stored" and "done".

Bounded: at most ``reconcile_max_pages`` pages per listing and ``reconcile_max_pulls`` analyses
requested per pass, each logged when hit; the next pass carries on (what was requested is pending
or done by then, so it is not requested again). A GUID is redelivered at most
:data:`MAX_REDELIVERIES` times, and not again within :data:`REDELIVERY_PAUSE` (GitHub redelivers
asynchronously). :class:`Reconciler` runs passes periodically in worker processes; a lock in the
database lets one pass run at a time across all of them, once per interval.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from regress.webhooks import events, handlers
from regress.webhooks.analysis import pr_key
from regress.webhooks.github import Page, RepoRef

if TYPE_CHECKING:
    from regress.webhooks.service import Service

log = logging.getLogger("regress.webhooks.reconcile")

#: The ``status`` of a successful delivery attempt in ``GET /app/hook/deliveries``.
DELIVERY_OK = "OK"
#: A GUID redelivered this often without arriving is left alone (the PR re-scan still covers PRs).
MAX_REDELIVERIES = 3
#: Seconds before a GUID is redelivered again: GitHub redelivers asynchronously, so an attempt
#: asked for moments ago may simply not have arrived yet.
REDELIVERY_PAUSE = 900.0
#: The database lock that makes one pass run at a time.
LOCK = "reconcile"


@dataclass(frozen=True)
class Summary:
    """What one pass did."""

    window_days: float
    deliveries_seen: int
    #: GUIDs whose redelivery was asked for.
    redelivered: tuple[str, ...]
    installations: int
    repositories: int
    open_pulls: int
    #: ``owner/name#N@head`` of each pull request queued for analysis.
    requested: tuple[str, ...]
    #: Bounds that were hit (the next pass carries on).
    limits: tuple[str, ...]
    errors: tuple[str, ...]

    def lines(self) -> list[str]:
        redelivered = f"redelivery requested for {len(self.redelivered)}"
        queued = f"{len(self.requested)} queued for analysis"
        out = [
            f"deliveries: {_count(self.deliveries_seen, 'attempt')} in the last {self.window_days:g} days; "
            + redelivered
            + (f": {', '.join(self.redelivered)}" if self.redelivered else ""),
            f"pull requests: {self.open_pulls} open in {_count(self.repositories, 'repository', 'repositories')} "
            f"of {_count(self.installations, 'installation')}; "
            + queued
            + (f": {', '.join(self.requested)}" if self.requested else ""),
        ]
        out += [f"limit: {x}" for x in self.limits]
        out += [f"error: {x}" for x in self.errors]
        return out


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


@dataclass
class _Tally:
    window_days: float
    deliveries_seen: int = 0
    redelivered: list[str] = field(default_factory=list)
    installations: int = 0
    repositories: int = 0
    open_pulls: int = 0
    requested: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def limit(self, what: str) -> None:
        log.warning("reconcile limit hit: %s", what)
        self.limits.append(what)

    def error(self, what: str, exc: BaseException) -> None:
        log.warning("reconcile: %s failed", what, exc_info=exc)
        self.errors.append(f"{what}: {type(exc).__name__}: {exc}")

    def freeze(self) -> Summary:
        return Summary(
            self.window_days,
            self.deliveries_seen,
            tuple(self.redelivered),
            self.installations,
            self.repositories,
            self.open_pulls,
            tuple(self.requested),
            tuple(self.limits),
            tuple(self.errors),
        )


def run_pass(svc: Service, now: float | None = None) -> Summary:
    """One reconcile pass (the caller holds the lock, or accepts running beside another pass)."""
    now = time.time() if now is None else now
    tally = _Tally(svc.settings.redelivery_days)
    try:
        _redeliver(svc, tally, now)
    except Exception as exc:  # noqa: BLE001 - the PR re-scan still runs
        tally.error("listing hook deliveries", exc)
    try:
        _rescan(svc, tally)
    except Exception as exc:  # noqa: BLE001 - reported in the summary and the log
        tally.error("listing installations", exc)
    summary = tally.freeze()
    log.info(
        "reconcile pass: %d redelivery requested, %d pull requests queued",
        len(summary.redelivered),
        len(summary.requested),
        extra={"outcome": "limits hit" if summary.limits else "done"},
    )
    return summary


# -- failed deliveries -----------------------------------------------------------------------------
def _timestamp(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _recent_deliveries(svc: Service, tally: _Tally, cutoff: float) -> dict[str, list[dict[str, Any]]]:
    """Deliveries since ``cutoff`` by GUID, reading newest-first pages until one reaches past it."""
    by_guid: dict[str, list[dict[str, Any]]] = {}
    cursor: str | None = None
    pages = 0
    while True:
        if pages >= svc.settings.reconcile_max_pages:
            tally.limit(f"hook deliveries: stopped after {_count(pages, 'page')}")
            break
        page = svc.github.hook_deliveries(cursor)
        pages += 1
        reached_cutoff = False
        for d in page.items:
            at = _timestamp(d.get("delivered_at"))
            guid = d.get("guid")
            if at is None or not isinstance(guid, str) or not isinstance(d.get("id"), int):
                continue
            if at < cutoff:
                reached_cutoff = True
                continue
            by_guid.setdefault(guid, []).append(d)
            tally.deliveries_seen += 1
        if reached_cutoff or page.next is None:
            break
        cursor = page.next
    return by_guid


def _redeliver(svc: Service, tally: _Tally, now: float) -> None:
    by_guid = _recent_deliveries(svc, tally, now - svc.settings.redelivery_days * 86400)
    failed: dict[str, dict[str, Any]] = {}
    for guid, attempts in by_guid.items():
        if any(a.get("status") == DELIVERY_OK for a in attempts):
            continue
        newest = max(attempts, key=lambda a: (_timestamp(a.get("delivered_at")) or 0.0, a["id"]))
        action = newest.get("action")
        if not events.handled(str(newest.get("event") or ""), action if isinstance(action, str) else None):
            continue  # intake would drop it anyway
        failed[guid] = newest
    if not failed:
        return
    stored = svc.store.stored_deliveries(list(failed))
    asked = svc.store.redeliveries(list(failed))
    for guid, attempt in sorted(failed.items(), key=lambda kv: _timestamp(kv[1].get("delivered_at")) or 0.0):
        if guid in stored:
            continue  # it did arrive (GitHub's status can say otherwise, e.g. after a slow answer)
        before = asked.get(guid)
        if before is not None and before.count >= MAX_REDELIVERIES:
            continue
        if before is not None and now - before.requested < REDELIVERY_PAUSE:
            continue
        try:
            svc.github.redeliver(int(attempt["id"]))
        except Exception as exc:  # noqa: BLE001 - one refusal does not stop the others
            tally.error(f"redelivering {guid}", exc)
            continue
        svc.store.note_redelivery(guid, int(attempt["id"]))
        tally.redelivered.append(guid)
        log.info("redelivery requested for %s (%s)", guid, attempt.get("event"), extra={"event": attempt.get("event")})


# -- open pull requests ----------------------------------------------------------------------------
def _pages(svc: Service, tally: _Tally, what: str, fetch: Callable[[int], Page]) -> Iterator[dict[str, Any]]:
    """Every item of a page-numbered listing, at most ``reconcile_max_pages`` pages."""
    number = 1
    for _ in range(svc.settings.reconcile_max_pages):
        page = fetch(number)
        yield from page.items
        if page.next is None or not page.next.isdigit():
            return
        number = int(page.next)
    tally.limit(f"{what}: stopped after {_count(svc.settings.reconcile_max_pages, 'page')}")


class _Budget(Exception):
    """The pass has requested as many analyses as it may."""


def _rescan(svc: Service, tally: _Tally) -> None:
    try:
        for inst in _pages(svc, tally, "installations", svc.github.installations):
            iid = inst.get("id")
            if not isinstance(iid, int) or isinstance(iid, bool):
                continue
            if inst.get("suspended_at") or svc.store.installation_suspended(iid):
                continue
            tally.installations += 1
            try:
                _rescan_installation(svc, tally, iid)
            except _Budget:
                raise
            except Exception as exc:  # noqa: BLE001 - the other installations still get their pass
                tally.error(f"installation {iid}", exc)
    except _Budget:
        tally.limit(f"pull requests: {svc.settings.reconcile_max_pulls} queued, the rest waits for the next pass")


def _rescan_installation(svc: Service, tally: _Tally, iid: int) -> None:
    repos = _pages(
        svc, tally, f"repositories of installation {iid}", lambda p: svc.github.installation_repositories(iid, p)
    )
    for raw in repos:
        repo = events.repo_of({"repository": raw})
        if repo is None:
            continue
        tally.repositories += 1
        try:
            _rescan_repository(svc, tally, iid, repo)
        except _Budget:
            raise
        except Exception as exc:  # noqa: BLE001 - the other repositories still get their pass
            tally.error(repo.full_name, exc)


def _rescan_repository(svc: Service, tally: _Tally, iid: int, repo: events.RepoInfo) -> None:
    ref = RepoRef.parse(repo.full_name)
    pulls = [
        info
        for raw in _pages(
            svc, tally, f"open pull requests of {repo.full_name}", lambda p: svc.github.open_pulls(iid, ref, p)
        )
        if (info := events.pull_of(raw)) is not None and info.open
    ]
    tally.open_pulls += len(pulls)
    done = svc.store.completed_heads(repo.id, [p.head_sha for p in pulls])
    for info in pulls:
        if info.head_sha in done:
            continue
        work = svc.store.get_work(pr_key(repo.id, info.number))
        if work is not None and work.head_sha == info.head_sha and work.requested > work.done:
            continue  # pending: a worker, or the sweeper, will get to it
        if len(tally.requested) >= svc.settings.reconcile_max_pulls:
            raise _Budget
        # The listing is the PR's current state, as the GET a synchronize delivery makes.
        stored = svc.store.upsert_pull(handlers.pull_row(info, repo, iid, True, time.time()))
        if not stored.open or stored.head_sha != info.head_sha:
            continue  # a newer state was recorded meanwhile; its own request covers it
        handlers.request_pull(svc, stored, force=False)
        tally.requested.append(f"{repo.full_name}#{info.number}@{info.head_sha[:12]}")
        log.info(
            "analysis of %s requested: its head has no completed check run",
            info.head_sha[:12],
            extra={"repo": repo.full_name, "pr": info.number, "head_sha": info.head_sha},
        )


# -- scheduling ------------------------------------------------------------------------------------
@contextmanager
def _held(svc: Service, owner: str) -> Iterator[None]:
    """Renew the lock's lease while a pass runs; release it afterwards."""
    lease = svc.settings.lease_seconds
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease / 3):
            try:
                svc.store.renew_lock(LOCK, owner, lease)
            except Exception:  # the next renewal tries again
                log.warning("reconcile lock renewal failed", exc_info=True)

    thread = threading.Thread(target=renew, name="reconcile-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        svc.store.release_lock(LOCK, owner)


def run_now(svc: Service) -> Summary | None:
    """One pass now, unless another process is running one (None then)."""
    owner = svc.owner()
    if not svc.store.take_lock(LOCK, owner, svc.settings.lease_seconds):
        return None
    with _held(svc, owner):
        return run_pass(svc)


def run_if_due(svc: Service) -> Summary | None:
    """One pass if the interval has passed since the last one anywhere and none is running."""
    interval = svc.settings.reconcile_interval
    owner = svc.owner()
    if interval <= 0 or not svc.store.take_lock(LOCK, owner, svc.settings.lease_seconds, every=interval):
        return None
    with _held(svc, owner):
        return run_pass(svc)


class Reconciler:
    """Runs :func:`run_if_due` in a background thread of a worker process. Every worker has one;
    the lock's due time makes a pass run about once per interval across all of them."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="regress-reconciler", daemon=True)

    @property
    def enabled(self) -> bool:
        return self.service.settings.reconcile_interval > 0

    def start(self) -> None:
        if not self.enabled:
            log.info("reconciler disabled (REGRESS_RECONCILE_INTERVAL=0)")
            return
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        # Wake up often enough to notice when a pass is due; the lock decides who runs it.
        tick = min(self.service.settings.reconcile_interval, self.service.settings.sweep_seconds)
        while True:
            try:
                run_if_due(self.service)
            except Exception:
                log.warning("reconcile pass failed", exc_info=True)
            if self._stop.wait(tick):
                return
