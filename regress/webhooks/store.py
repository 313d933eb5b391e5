"""The service's state in SQLAlchemy: deliveries, pull requests, work items, check runs,
analyses and approvals. SQLite by default, PostgreSQL (or any SQLAlchemy database) by URL.

The database, not the queue, is the source of truth. Every accepted delivery is a row before the
answer is sent; a queue message only wakes a worker up. Workers *claim* a row with one conditional
UPDATE (and a lease they renew while working), so a duplicate message is a no-op, and a row whose
worker died (lease expired) or whose message was lost (queue restarted) is claimed again by the
sweeper (see ``worker.Sweeper``).
"""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class DeliveryState(enum.StrEnum):
    RECEIVED = "received"
    RUNNING = "running"
    DONE = "done"
    IGNORED = "ignored"
    FAILED = "failed"


class Base(DeclarativeBase):
    pass


class Delivery(Base):
    __tablename__ = "deliveries"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    event: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str | None] = mapped_column(String(100))
    installation_id: Mapped[int | None] = mapped_column(BigInteger)
    repo: Mapped[str | None] = mapped_column(String(300))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    received: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(20), index=True, default=DeliveryState.RECEIVED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[float | None] = mapped_column(Float)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    finished: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str | None] = mapped_column(Text)


class Installation(Base):
    __tablename__ = "installations"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account: Mapped[str] = mapped_column(String(300), default="")
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)


class Pull(Base):
    __tablename__ = "pulls"
    repo_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    repo: Mapped[str] = mapped_column(String(300))
    installation_id: Mapped[int] = mapped_column(BigInteger, index=True)
    clone_url: Mapped[str] = mapped_column(Text)
    html_url: Mapped[str] = mapped_column(Text, default="")
    head_sha: Mapped[str] = mapped_column(String(64))
    base_ref: Mapped[str] = mapped_column(String(300))
    base_sha: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(300))
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[str] = mapped_column(String(40), default="")
    #: When this state was read from GitHub's API: a state read earlier never overwrites one read
    #: later (handlers of one PR's deliveries run concurrently).
    seen: Mapped[float] = mapped_column(Float, default=0.0)
    comment_id: Mapped[int | None] = mapped_column(BigInteger)


class PullHead(Base):
    """Head commit → pull request, for check-run events of fork PRs whose ``pull_requests`` is
    empty (Checks API docs: pushes in forks are not detected)."""

    __tablename__ = "pull_heads"
    repo_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    head_sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class Work(Base):
    """One thing to analyse: a pull request (always its newest head) or a merge-group commit.

    ``requested`` counts requests, ``done`` the request handled last: pending while
    ``requested > done``; a request that arrives during a run makes the run go round once more
    with the newest head, and older heads are never analysed after that.
    """

    __tablename__ = "work"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    repo_id: Mapped[int] = mapped_column(BigInteger)
    repo: Mapped[str] = mapped_column(String(300))
    installation_id: Mapped[int] = mapped_column(BigInteger)
    clone_url: Mapped[str] = mapped_column(Text)
    pr_number: Mapped[int | None] = mapped_column(Integer)
    head_sha: Mapped[str] = mapped_column(String(64))
    base_sha: Mapped[str] = mapped_column(String(64))
    #: The merge-queue ref of a merge-group commit (names the queued PR).
    ref: Mapped[str] = mapped_column(Text, default="")
    requested: Mapped[int] = mapped_column(Integer, default=1)
    done: Mapped[int] = mapped_column(Integer, default=0)
    #: The head the last finished run analysed.
    done_head: Mapped[str] = mapped_column(String(64), default="")
    lease_until: Mapped[float | None] = mapped_column(Float)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[float] = mapped_column(Float, default=0.0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated: Mapped[float] = mapped_column(Float, index=True)


class CheckRun(Base):
    __tablename__ = "check_runs"
    repo_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    head_sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    check_run_id: Mapped[int] = mapped_column(BigInteger)
    html_url: Mapped[str] = mapped_column(Text, default="")
    #: Fingerprints whose annotation was sent: updates append annotations ("Update a check run"),
    #: so a re-publication sends only the new ones.
    annotated: Mapped[str] = mapped_column(Text, default="[]")


class Analysis(Base):
    __tablename__ = "analyses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    repo_id: Mapped[int] = mapped_column(BigInteger, index=True)
    pr_number: Mapped[int | None] = mapped_column(Integer)
    head_sha: Mapped[str] = mapped_column(String(64), index=True)
    base_sha: Mapped[str] = mapped_column(String(64))
    created: Mapped[float] = mapped_column(Float)
    conclusion: Mapped[str] = mapped_column(String(40))
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    #: The JSON report (regress.report/v1), approvals applied.
    report: Mapped[str | None] = mapped_column(Text)


class ApprovalRow(Base):
    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    installation_id: Mapped[int] = mapped_column(BigInteger)
    repo_id: Mapped[int] = mapped_column(BigInteger, index=True)
    repo: Mapped[str] = mapped_column(String(300), index=True)
    pr_number: Mapped[int] = mapped_column(Integer)
    #: {fingerprint: digest of the head-side value the approver saw}
    fingerprints: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(300))
    approver_id: Mapped[int | None] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40))
    source_ref: Mapped[str] = mapped_column(Text, default="")
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    head_sha: Mapped[str] = mapped_column(String(64))
    base_sha: Mapped[str] = mapped_column(String(64))
    created: Mapped[float] = mapped_column(Float)
    revoked: Mapped[float | None] = mapped_column(Float)
    revoked_by: Mapped[str | None] = mapped_column(String(300))


class PendingState(enum.StrEnum):
    """What became of an approval given before its head's analysis had finished."""

    #: Waiting for the analysis of its head.
    PENDING = "pending"
    #: Taken by that analysis: an approval row holds what it approved.
    APPLIED = "applied"
    #: Refused when it was applied (the approver did not meet the policy then, or it named
    #: findings the analysis does not have); the approver was told why.
    REFUSED = "refused"
    #: Never applied: the head moved on, the review was dismissed, a revoke took it back, or
    #: nothing was left for it to approve.
    DROPPED = "dropped"


class PendingApprovalRow(Base):
    """An approval given in a comment or review while its head had no finished analysis:
    applied by that analysis (``analysis.run``) before it publishes."""

    __tablename__ = "pending_approvals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The command's place (source, reference, approver, ordinal): a handler that runs twice for
    #: one comment (a redelivery under a new id, a worker that died after recording) records it once.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    installation_id: Mapped[int] = mapped_column(BigInteger)
    repo_id: Mapped[int] = mapped_column(BigInteger, index=True)
    repo: Mapped[str] = mapped_column(String(300))
    pr_number: Mapped[int] = mapped_column(Integer)
    head_sha: Mapped[str] = mapped_column(String(64))
    approver: Mapped[str] = mapped_column(String(300))
    approver_id: Mapped[int | None] = mapped_column(BigInteger)
    #: The command: {"fingerprints": [...], "all": bool, "reason": str}.
    command: Mapped[str] = mapped_column(Text)
    #: A review submitted as Approve without a command (``approvals.approving-reviews``).
    implied: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The commit a review was submitted on (None for a comment).
    reviewed_sha: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(40))
    source_ref: Mapped[str] = mapped_column(Text, default="")
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    #: The comment to react to once applied (None for a review: GitHub has no reactions on those).
    comment_id: Mapped[int | None] = mapped_column(BigInteger)
    created: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(20), default=PendingState.PENDING.value)
    settled: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str | None] = mapped_column(Text)


class DismissedReview(Base):
    """A review dismissed on GitHub, by URL: its submission may be handled after its dismissal
    (deliveries arrive and run out of order), and must then approve nothing."""

    __tablename__ = "dismissed_reviews"
    source_ref: Mapped[str] = mapped_column(String(500), primary_key=True)
    repo_id: Mapped[int] = mapped_column(BigInteger, index=True)
    dismissed_by: Mapped[str] = mapped_column(String(300))
    at: Mapped[float] = mapped_column(Float)


class CompletedRun(Base):
    """A head commit whose ``regress`` check run this service completed (any conclusion): the
    reconciler leaves such heads alone."""

    __tablename__ = "completed_runs"
    repo_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    head_sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    conclusion: Mapped[str] = mapped_column(String(40))
    completed: Mapped[float] = mapped_column(Float)


class Redelivery(Base):
    """A redelivery the reconciler asked GitHub for, by the delivery's GUID (``X-GitHub-Delivery``)."""

    __tablename__ = "redeliveries"
    guid: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: GitHub's id of the delivery attempt last asked to be redelivered.
    delivery_id: Mapped[int] = mapped_column(BigInteger)
    requested: Mapped[float] = mapped_column(Float)
    count: Mapped[int] = mapped_column(Integer, default=1)


class Lock(Base):
    """A named lease shared by every process of the service (one reconcile pass at a time)."""

    __tablename__ = "locks"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    until: Mapped[float] = mapped_column(Float, default=0.0)
    #: When the locked job is next due (a periodic job runs when due, wherever the lock is free).
    due: Mapped[float] = mapped_column(Float, default=0.0)


@dataclass(frozen=True)
class AskedRedelivery:
    #: When the last redelivery of the GUID was asked for (epoch seconds).
    requested: float
    #: How many times it was asked for.
    count: int


@dataclass(frozen=True)
class StoredApproval:
    id: int
    repo: str
    pr_number: int
    fingerprints: dict[str, str]
    approver: str
    role: str
    reason: str
    source: str
    source_ref: str
    head_sha: str
    base_sha: str
    created: float
    revoked: float | None
    revoked_by: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "repo": self.repo,
            "pr": self.pr_number,
            "fingerprints": sorted(self.fingerprints),
            "approver": self.approver,
            "role": self.role,
            "reason": self.reason,
            "source": self.source,
            "source_ref": self.source_ref,
            "head_sha": self.head_sha,
            "base_sha": self.base_sha,
            "created": iso(self.created),
            "revoked": iso(self.revoked) if self.revoked else None,
            "revoked_by": self.revoked_by,
        }


@dataclass(frozen=True)
class PendingApproval:
    id: int
    installation_id: int
    repo_id: int
    repo: str
    pr_number: int
    head_sha: str
    approver: str
    approver_id: int | None
    fingerprints: tuple[str, ...]
    all: bool
    reason: str
    implied: bool
    reviewed_sha: str | None
    source: str
    source_ref: str
    body_sha256: str | None
    comment_id: int | None
    created: float
    state: PendingState
    outcome: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "repo": self.repo,
            "pr": self.pr_number,
            "fingerprints": "all" if self.all else list(self.fingerprints),
            "approver": self.approver,
            "reason": self.reason,
            "source": self.source,
            "source_ref": self.source_ref,
            "head_sha": self.head_sha,
            "created": iso(self.created),
            "state": self.state.value,
            "outcome": self.outcome,
        }


def _pending(r: PendingApprovalRow) -> PendingApproval:
    command = json.loads(r.command)
    return PendingApproval(
        id=r.id,
        installation_id=r.installation_id,
        repo_id=r.repo_id,
        repo=r.repo,
        pr_number=r.pr_number,
        head_sha=r.head_sha,
        approver=r.approver,
        approver_id=r.approver_id,
        fingerprints=tuple(command.get("fingerprints") or ()),
        all=bool(command.get("all")),
        reason=str(command.get("reason") or ""),
        implied=r.implied,
        reviewed_sha=r.reviewed_sha,
        source=r.source,
        source_ref=r.source_ref,
        body_sha256=r.body_sha256,
        comment_id=r.comment_id,
        created=r.created,
        state=PendingState(r.state),
        outcome=r.outcome,
    )


def iso(ts: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver this package installs)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            # WAL lets the web threads write deliveries while workers read; NORMAL sync is durable
            # across process crashes (SQLite docs, "Write-Ahead Logging").
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Store:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s, s.begin():
            yield s

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # -- deliveries ------------------------------------------------------------------------------
    def add_delivery(
        self,
        delivery_id: str,
        event_name: str,
        action: str | None,
        installation_id: int | None,
        repo: str | None,
        payload: bytes,
    ) -> bool:
        """Store a delivery; False when its id was stored before (a duplicate or a redelivery)."""
        try:
            with self.session() as s:
                s.add(
                    Delivery(
                        id=delivery_id,
                        event=event_name,
                        action=action,
                        installation_id=installation_id,
                        repo=repo,
                        payload=payload,
                        received=time.time(),
                        state=DeliveryState.RECEIVED.value,
                        attempts=0,
                    )
                )
        except IntegrityError:
            return False
        return True

    def claim_delivery(self, delivery_id: str, owner: str, lease: float) -> Delivery | None:
        now = time.time()
        with self.session() as s:
            result = s.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .where(
                    (Delivery.state == DeliveryState.RECEIVED.value)
                    | ((Delivery.state == DeliveryState.RUNNING.value) & (Delivery.lease_until < now))
                )
                .values(
                    state=DeliveryState.RUNNING.value,
                    lease_until=now + lease,
                    lease_owner=owner,
                    attempts=Delivery.attempts + 1,
                )
            )
            if getattr(result, "rowcount", 0) != 1:
                return None
            return s.get(Delivery, delivery_id)

    def finish_delivery(self, delivery_id: str, state: DeliveryState, outcome: str) -> None:
        with self.session() as s:
            s.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(state=state.value, finished=time.time(), outcome=outcome[:2000], lease_until=None)
            )

    def release_delivery(self, delivery_id: str, outcome: str, delay: float) -> None:
        """Give a delivery back after a transient failure: the sweeper claims it again once
        ``delay`` seconds have passed (its lease is simply left to expire then)."""
        with self.session() as s:
            s.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(lease_until=time.time() + delay, lease_owner=None, outcome=outcome[:2000])
            )

    def stale_deliveries(self, older_than: float, limit: int = 200) -> list[str]:
        """Deliveries nobody is working on: received but not claimed for a while, or leases expired."""
        now = time.time()
        with self.session() as s:
            rows = s.execute(
                select(Delivery.id)
                .where(
                    ((Delivery.state == DeliveryState.RECEIVED.value) & (Delivery.received < now - older_than))
                    | ((Delivery.state == DeliveryState.RUNNING.value) & (Delivery.lease_until < now))
                )
                .order_by(Delivery.received)
                .limit(limit)
            )
            return [r[0] for r in rows]

    def stored_deliveries(self, delivery_ids: Sequence[str]) -> set[str]:
        """Which of these delivery ids are stored (received, whatever became of them)."""
        out: set[str] = set()
        ids = list(delivery_ids)
        with self.session() as s:
            for i in range(0, len(ids), 500):
                out.update(r[0] for r in s.execute(select(Delivery.id).where(Delivery.id.in_(ids[i : i + 500]))))
        return out

    def redeliveries(self, guids: Sequence[str]) -> dict[str, AskedRedelivery]:
        """The redeliveries asked for these GUIDs so far."""
        out: dict[str, AskedRedelivery] = {}
        ids = list(guids)
        with self.session() as s:
            for i in range(0, len(ids), 500):
                out.update(
                    (r.guid, AskedRedelivery(r.requested, r.count))
                    for r in s.scalars(select(Redelivery).where(Redelivery.guid.in_(ids[i : i + 500])))
                )
        return out

    def note_redelivery(self, guid: str, delivery_id: int) -> None:
        now = time.time()
        for _ in range(3):
            with self.session() as s:
                result = s.execute(
                    update(Redelivery)
                    .where(Redelivery.guid == guid)
                    .values(delivery_id=delivery_id, requested=now, count=Redelivery.count + 1)
                )
                if getattr(result, "rowcount", 0) == 1:
                    return
            try:
                with self.session() as s:
                    s.add(Redelivery(guid=guid, delivery_id=delivery_id, requested=now, count=1))
                return
            except IntegrityError:
                continue

    def delivery_counts(self) -> dict[tuple[str, str], int]:
        with self.session() as s:
            rows = s.execute(
                select(Delivery.event, Delivery.state, func.count()).group_by(Delivery.event, Delivery.state)
            )
            return {(e, st): n for e, st, n in rows}

    def renew(self, table: type[Delivery] | type[Work], key: str, owner: str, lease: float) -> bool:
        with self.session() as s:
            col = Delivery.id if table is Delivery else Work.key
            result = s.execute(
                update(table)
                .where(col == key)
                .where(table.lease_owner == owner)
                .values(lease_until=time.time() + lease)
            )
            return getattr(result, "rowcount", 0) == 1

    # -- installations ---------------------------------------------------------------------------
    def set_installation(self, installation_id: int, account: str, suspended: bool) -> None:
        with self.session() as s:
            row = s.get(Installation, installation_id)
            if row is None:
                s.add(Installation(id=installation_id, account=account, suspended=suspended))
            else:
                row.account = account or row.account
                row.suspended = suspended

    def installation_suspended(self, installation_id: int) -> bool:
        with self.session() as s:
            row = s.get(Installation, installation_id)
            return bool(row and row.suspended)

    def purge_installation(self, installation_id: int) -> list[int]:
        """Forget an installation (``installation.deleted``); returns its repository ids."""
        with self.session() as s:
            repo_ids = sorted(
                {r[0] for r in s.execute(select(Pull.repo_id).where(Pull.installation_id == installation_id))}
                | {r[0] for r in s.execute(select(Work.repo_id).where(Work.installation_id == installation_id))}
            )
            s.execute(delete(Installation).where(Installation.id == installation_id))
            s.execute(delete(ApprovalRow).where(ApprovalRow.installation_id == installation_id))
            s.execute(delete(PendingApprovalRow).where(PendingApprovalRow.installation_id == installation_id))
        for repo_id in repo_ids:
            self.purge_repository(repo_id)
        return repo_ids

    def purge_repository(self, repo_id: int) -> None:
        with self.session() as s:
            tables = (Pull, PullHead, Work, CheckRun, CompletedRun, Analysis, ApprovalRow, PendingApprovalRow)
            for table in (*tables, DismissedReview):
                s.execute(delete(table).where(table.repo_id == repo_id))

    # -- pull requests ---------------------------------------------------------------------------
    def upsert_pull(self, pull: Pull) -> Pull:
        """Record a PR's state unless a newer payload was recorded already; returns the stored row."""
        with self.session() as s:
            row = s.get(Pull, (pull.repo_id, pull.number))
            if row is None:
                s.add(pull)
                s.merge(PullHead(repo_id=pull.repo_id, head_sha=pull.head_sha, number=pull.number))
                return pull
            if pull.seen < row.seen:
                return row
            for attr in ("repo", "installation_id", "clone_url", "html_url", "head_sha", "base_ref", "base_sha"):
                setattr(row, attr, getattr(pull, attr))
            row.author = pull.author or row.author
            row.open = pull.open
            row.updated_at = pull.updated_at or row.updated_at
            row.seen = pull.seen
            s.merge(PullHead(repo_id=pull.repo_id, head_sha=pull.head_sha, number=pull.number))
            return row

    def get_pull(self, repo_id: int, number: int) -> Pull | None:
        with self.session() as s:
            return s.get(Pull, (repo_id, number))

    def pulls_for_head(self, repo_id: int, head_sha: str) -> list[Pull]:
        with self.session() as s:
            numbers = [
                r[0]
                for r in s.execute(
                    select(PullHead.number).where(PullHead.repo_id == repo_id, PullHead.head_sha == head_sha)
                )
            ]
            return [p for n in numbers if (p := s.get(Pull, (repo_id, n))) is not None]

    def open_pulls(self, repo_id: int) -> list[Pull]:
        with self.session() as s:
            return list(s.scalars(select(Pull).where(Pull.repo_id == repo_id, Pull.open.is_(True))))

    def set_comment(self, repo_id: int, number: int, comment_id: int | None) -> None:
        with self.session() as s:
            s.execute(update(Pull).where(Pull.repo_id == repo_id, Pull.number == number).values(comment_id=comment_id))

    # -- work ------------------------------------------------------------------------------------
    def request_work(
        self,
        key: str,
        *,
        repo_id: int,
        repo: str,
        installation_id: int,
        clone_url: str,
        pr_number: int | None,
        head_sha: str,
        base_sha: str,
        ref: str = "",
        force: bool = True,
    ) -> None:
        """Ask for an analysis of ``head_sha``; supersedes whatever was asked before for this key.

        Without ``force``, nothing changes when that head is already pending or was the last one
        analysed (several deliveries about one push)."""
        now = time.time()
        values = {
            "repo_id": repo_id,
            "repo": repo,
            "installation_id": installation_id,
            "clone_url": clone_url,
            "pr_number": pr_number,
            "head_sha": head_sha,
            "base_sha": base_sha,
            "ref": ref,
            "updated": now,
            "not_before": 0.0,
        }
        for _ in range(3):
            with self.session() as s:
                row = None if force else s.get(Work, key)
                if (
                    row is not None
                    and (row.head_sha, row.base_sha) == (head_sha, base_sha)
                    and (row.requested > row.done or row.done_head == head_sha)
                ):
                    return
                result = s.execute(update(Work).where(Work.key == key).values(requested=Work.requested + 1, **values))
                if getattr(result, "rowcount", 0) == 1:
                    return
            try:
                with self.session() as s:
                    s.add(Work(key=key, requested=1, done=0, **values))
                return
            except IntegrityError:
                continue  # another intake created it meanwhile: bump that one
        raise RuntimeError(f"could not record work {key}")

    def claim_work(self, key: str, owner: str, lease: float) -> Work | None:
        now = time.time()
        with self.session() as s:
            result = s.execute(
                update(Work)
                .where(Work.key == key, Work.requested > Work.done, Work.not_before <= now)
                .where((Work.lease_until.is_(None)) | (Work.lease_until < now))
                .values(lease_until=now + lease, lease_owner=owner, attempts=Work.attempts + 1)
            )
            if getattr(result, "rowcount", 0) != 1:
                return None
            return s.get(Work, key)

    def request_again(self, work: Work) -> None:
        """Ask once more for a stored work item, as it was asked for."""
        self.request_work(
            work.key,
            repo_id=work.repo_id,
            repo=work.repo,
            installation_id=work.installation_id,
            clone_url=work.clone_url,
            pr_number=work.pr_number,
            head_sha=work.head_sha,
            base_sha=work.base_sha,
            ref=work.ref,
        )

    def get_work(self, key: str) -> Work | None:
        with self.session() as s:
            return s.get(Work, key)

    def finish_work(self, key: str, owner: str, generation: int, head_sha: str = "", error: str | None = None) -> bool:
        """Mark request ``generation`` handled and release the lease; True when nothing newer is pending."""
        with self.session() as s:
            s.execute(
                update(Work)
                .where(Work.key == key, Work.lease_owner == owner)
                .values(
                    done=generation,
                    done_head=head_sha,
                    lease_until=None,
                    lease_owner=None,
                    attempts=0,
                    last_error=error,
                )
            )
            row = s.get(Work, key)
            return row is None or row.requested <= row.done

    def retry_work_later(self, key: str, owner: str, delay: float, error: str) -> None:
        with self.session() as s:
            s.execute(
                update(Work)
                .where(Work.key == key, Work.lease_owner == owner)
                .values(lease_until=None, lease_owner=None, not_before=time.time() + delay, last_error=error[:2000])
            )

    def drop_work(self, key: str) -> None:
        with self.session() as s:
            s.execute(update(Work).where(Work.key == key).values(done=Work.requested, lease_until=None))

    def stale_work(self, older_than: float, limit: int = 200) -> list[str]:
        now = time.time()
        with self.session() as s:
            rows = s.execute(
                select(Work.key)
                .where(Work.requested > Work.done, Work.not_before <= now)
                .where(((Work.lease_until.is_(None)) & (Work.updated < now - older_than)) | (Work.lease_until < now))
                .limit(limit)
            )
            keys = [r[0] for r in rows]
            # Re-enqueued now: not again before another ``older_than`` has passed.
            s.execute(update(Work).where(Work.key.in_(keys), Work.lease_until.is_(None)).values(updated=now))
            return keys

    def pending_work(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(Work).where(Work.requested > Work.done)) or 0)

    # -- check runs and analyses -------------------------------------------------------------------
    def get_check_run(self, repo_id: int, head_sha: str) -> CheckRun | None:
        with self.session() as s:
            return s.get(CheckRun, (repo_id, head_sha))

    def set_check_run(self, repo_id: int, head_sha: str, check_run_id: int, html_url: str) -> None:
        with self.session() as s:
            row = s.get(CheckRun, (repo_id, head_sha))
            if row is None:
                s.add(CheckRun(repo_id=repo_id, head_sha=head_sha, check_run_id=check_run_id, html_url=html_url))
            elif row.check_run_id != check_run_id:
                row.check_run_id, row.html_url, row.annotated = check_run_id, html_url, "[]"

    def mark_completed(self, repo_id: int, head_sha: str, conclusion: str) -> None:
        with self.session() as s:
            s.merge(CompletedRun(repo_id=repo_id, head_sha=head_sha, conclusion=conclusion, completed=time.time()))

    def completed_heads(self, repo_id: int, heads: Sequence[str]) -> set[str]:
        """Which of these heads have a completed check run from this service. An analysis on
        record counts too (it is stored just before its run is completed, and databases written
        before completions were recorded have only those)."""
        wanted = list(heads)
        if not wanted:
            return set()
        with self.session() as s:
            done = {
                r[0]
                for r in s.execute(
                    select(CompletedRun.head_sha).where(
                        CompletedRun.repo_id == repo_id, CompletedRun.head_sha.in_(wanted)
                    )
                )
            }
            done.update(
                r[0]
                for r in s.execute(
                    select(Analysis.head_sha).where(Analysis.repo_id == repo_id, Analysis.head_sha.in_(wanted))
                )
            )
        return done

    def add_annotated(self, repo_id: int, head_sha: str, fingerprints: list[str]) -> None:
        with self.session() as s:
            row = s.get(CheckRun, (repo_id, head_sha))
            if row is not None:
                row.annotated = json.dumps(sorted(set(json.loads(row.annotated)) | set(fingerprints)))

    def add_analysis(
        self,
        repo_id: int,
        pr_number: int | None,
        head_sha: str,
        base_sha: str,
        conclusion: str,
        seconds: float,
        report: dict[str, Any] | None,
        error: str | None,
    ) -> None:
        with self.session() as s:
            s.add(
                Analysis(
                    repo_id=repo_id,
                    pr_number=pr_number,
                    head_sha=head_sha,
                    base_sha=base_sha,
                    created=time.time(),
                    conclusion=conclusion,
                    seconds=seconds,
                    report=json.dumps(report) if report is not None else None,
                    error=error,
                )
            )

    def latest_analysis(self, repo_id: int, head_sha: str) -> Analysis | None:
        with self.session() as s:
            return s.scalars(
                select(Analysis)
                .where(Analysis.repo_id == repo_id, Analysis.head_sha == head_sha, Analysis.report.is_not(None))
                .order_by(Analysis.id.desc())
                .limit(1)
            ).first()

    def pr_had_findings(self, repo_id: int, pr_number: int) -> bool:
        with self.session() as s:
            rows = s.scalars(
                select(Analysis.report).where(Analysis.repo_id == repo_id, Analysis.pr_number == pr_number)
            )
            return any(r and json.loads(r).get("findings") for r in rows)

    # -- locks -----------------------------------------------------------------------------------
    def take_lock(self, name: str, owner: str, lease: float, every: float | None = None) -> bool:
        """Take the named lock for ``lease`` seconds unless another owner holds it; with
        ``every``, only when the job is due, and the next run becomes due ``every`` seconds on."""
        now = time.time()
        values: dict[str, Any] = {"owner": owner, "until": now + lease}
        if every is not None:
            values["due"] = now + every
        for _ in range(3):
            with self.session() as s:
                q = update(Lock).where(Lock.name == name).where((Lock.until < now) | (Lock.owner == owner))
                if every is not None:
                    q = q.where(Lock.due <= now)
                if getattr(s.execute(q.values(**values)), "rowcount", 0) == 1:
                    return True
                if s.get(Lock, name) is not None:
                    return False
            try:
                with self.session() as s:
                    s.add(Lock(name=name, **{"due": 0.0, **values}))
                return True
            except IntegrityError:
                continue  # created by another process meanwhile: compete for that row
        return False

    def renew_lock(self, name: str, owner: str, lease: float) -> bool:
        with self.session() as s:
            result = s.execute(
                update(Lock).where(Lock.name == name, Lock.owner == owner).values(until=time.time() + lease)
            )
            return getattr(result, "rowcount", 0) == 1

    def release_lock(self, name: str, owner: str) -> None:
        with self.session() as s:
            s.execute(update(Lock).where(Lock.name == name, Lock.owner == owner).values(owner=None, until=0.0))

    def lock_holder(self, name: str) -> str | None:
        with self.session() as s:
            row = s.get(Lock, name)
            return row.owner if row is not None and row.until >= time.time() else None

    # -- approvals -------------------------------------------------------------------------------
    def add_approval(self, row: ApprovalRow) -> int:
        with self.session() as s:
            s.add(row)
            s.flush()
            return row.id

    def approvals(
        self,
        repo: str | None = None,
        pr_number: int | None = None,
        repo_id: int | None = None,
        active_only: bool = False,
    ) -> list[StoredApproval]:
        q = select(ApprovalRow).order_by(ApprovalRow.id)
        if repo is not None:
            q = q.where(func.lower(ApprovalRow.repo) == repo.lower())
        if repo_id is not None:
            q = q.where(ApprovalRow.repo_id == repo_id)
        if pr_number is not None:
            q = q.where(ApprovalRow.pr_number == pr_number)
        if active_only:
            q = q.where(ApprovalRow.revoked.is_(None))
        with self.session() as s:
            return [
                StoredApproval(
                    id=r.id,
                    repo=r.repo,
                    pr_number=r.pr_number,
                    fingerprints=json.loads(r.fingerprints),
                    approver=r.approver,
                    role=r.role,
                    reason=r.reason,
                    source=r.source,
                    source_ref=r.source_ref,
                    head_sha=r.head_sha,
                    base_sha=r.base_sha,
                    created=r.created,
                    revoked=r.revoked,
                    revoked_by=r.revoked_by,
                )
                for r in s.scalars(q)
            ]

    def revoke_approvals(
        self,
        repo_id: int,
        pr_number: int,
        fingerprints: Sequence[str] | None,
        by: str,
        source: tuple[str, str] | None = None,
    ) -> int:
        """Revoke the PR's active approvals (those naming any of ``fingerprints``, or all; only
        those given through ``source``, (kind, reference) such as a review and its URL, when
        given); returns how many."""
        count = 0
        with self.session() as s:
            query = select(ApprovalRow).where(
                ApprovalRow.repo_id == repo_id, ApprovalRow.pr_number == pr_number, ApprovalRow.revoked.is_(None)
            )
            if source is not None:
                query = query.where(ApprovalRow.source == source[0], ApprovalRow.source_ref == source[1])
            rows = s.scalars(query)
            for row in rows:
                named = json.loads(row.fingerprints)
                if fingerprints is None or any(fp.startswith(p) for fp in named for p in fingerprints):
                    row.revoked = time.time()
                    row.revoked_by = by
                    count += 1
        return count

    # -- pending approvals -----------------------------------------------------------------------
    def add_pending(self, row: PendingApprovalRow) -> bool:
        """Record an approval waiting for its head's analysis; False when its key was recorded
        before (the same command handled again)."""
        try:
            with self.session() as s:
                s.add(row)
        except IntegrityError:
            return False
        return True

    def pending_approvals(
        self, repo_id: int, pr_number: int | None = None, state: PendingState | None = PendingState.PENDING
    ) -> list[PendingApproval]:
        """Pending approvals of a repository (one PR's when given), oldest first; every state
        with ``state=None``."""
        q = select(PendingApprovalRow).where(PendingApprovalRow.repo_id == repo_id).order_by(PendingApprovalRow.id)
        if pr_number is not None:
            q = q.where(PendingApprovalRow.pr_number == pr_number)
        if state is not None:
            q = q.where(PendingApprovalRow.state == state.value)
        with self.session() as s:
            return [_pending(r) for r in s.scalars(q)]

    def approvals_given_early(self, repo: str, pr_number: int | None = None) -> list[PendingApproval]:
        """Every approval recorded to wait for its head's analysis, whatever became of it, by
        repository name (the audit trail's ``regress approvals``)."""
        q = (
            select(PendingApprovalRow)
            .where(func.lower(PendingApprovalRow.repo) == repo.lower())
            .order_by(PendingApprovalRow.id)
        )
        if pr_number is not None:
            q = q.where(PendingApprovalRow.pr_number == pr_number)
        with self.session() as s:
            return [_pending(r) for r in s.scalars(q)]

    def note_dismissed(self, repo_id: int, source_ref: str, by: str) -> None:
        try:
            with self.session() as s:
                if s.get(DismissedReview, source_ref) is None:
                    s.add(DismissedReview(source_ref=source_ref, repo_id=repo_id, dismissed_by=by, at=time.time()))
        except IntegrityError:
            pass  # noted by a concurrent handler of the same dismissal

    def dismissed_by(self, source_ref: str) -> str | None:
        """Who dismissed the review at this URL, or None when it was not dismissed."""
        with self.session() as s:
            row = s.get(DismissedReview, source_ref)
            return row.dismissed_by if row is not None else None

    def settle_pending(
        self, pending_id: int, state: PendingState, outcome: str, approval: ApprovalRow | None = None
    ) -> bool:
        """Settle a pending approval, storing ``approval`` with it in one transaction; False (and
        nothing stored) when it was settled already, by another worker or an earlier attempt.
        Whoever settles it is the one who tells the approver, so they are told once."""
        with self.session() as s:
            result = s.execute(
                update(PendingApprovalRow)
                .where(PendingApprovalRow.id == pending_id, PendingApprovalRow.state == PendingState.PENDING.value)
                .values(state=state.value, settled=time.time(), outcome=outcome[:2000])
            )
            if getattr(result, "rowcount", 0) != 1:
                return False
            if approval is not None:
                s.add(approval)
        return True
