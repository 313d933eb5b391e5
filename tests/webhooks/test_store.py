"""The state store's claims, leases and coalescing (SQLite; PostgreSQL runs the same code in
test_scale_out)."""

from __future__ import annotations

import time
from pathlib import Path

from regress.webhooks.store import ApprovalRow, DeliveryState, PendingApprovalRow, PendingState, Pull, Store


def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'state.db'}")
    s.create_schema()
    return s


def test_a_delivery_is_stored_once_and_claimed_once(tmp_path: Path) -> None:
    s = store(tmp_path)
    assert s.add_delivery("d1", "pull_request", "opened", 1, "o/r", b"{}") is True
    assert s.add_delivery("d1", "pull_request", "opened", 1, "o/r", b"{}") is False
    assert s.claim_delivery("d1", "worker-a", lease=60) is not None
    assert s.claim_delivery("d1", "worker-b", lease=60) is None  # a duplicate message: no-op
    assert s.stale_deliveries(older_than=0) == []
    s.finish_delivery("d1", DeliveryState.DONE, "ok")
    assert s.claim_delivery("d1", "worker-b", lease=60) is None


def test_a_dead_workers_delivery_is_claimed_again_after_its_lease(tmp_path: Path) -> None:
    s = store(tmp_path)
    s.add_delivery("d1", "pull_request", "opened", 1, "o/r", b"{}")
    assert s.claim_delivery("d1", "worker-a", lease=0.05) is not None
    time.sleep(0.1)
    assert s.stale_deliveries(older_than=60) == ["d1"]
    claimed = s.claim_delivery("d1", "worker-b", lease=60)
    assert claimed is not None and claimed.attempts == 2


def test_work_coalesces_to_the_newest_head(tmp_path: Path) -> None:
    s = store(tmp_path)
    common = {"repo_id": 1, "repo": "o/r", "installation_id": 1, "clone_url": "u", "pr_number": 7, "base_sha": "b"}
    s.request_work("1:pr:7", head_sha="aaa", **common)
    w = s.claim_work("1:pr:7", "worker-a", lease=60)
    assert w is not None and (w.head_sha, w.requested) == ("aaa", 1)
    s.request_work("1:pr:7", head_sha="bbb", **common)  # a push while the run goes on
    assert s.claim_work("1:pr:7", "worker-b", lease=60) is None  # leased
    assert s.finish_work("1:pr:7", "worker-a", 1, "aaa") is False  # newer request pending
    w = s.claim_work("1:pr:7", "worker-a", lease=60)
    assert w is not None and (w.head_sha, w.requested) == ("bbb", 2)
    assert s.finish_work("1:pr:7", "worker-a", 2, "bbb") is True
    # Another event about the same push asks for nothing new; a forced request (recheck) does.
    s.request_work("1:pr:7", head_sha="bbb", force=False, **common)
    assert s.claim_work("1:pr:7", "worker-a", lease=60) is None
    s.request_work("1:pr:7", head_sha="bbb", **common)
    assert s.claim_work("1:pr:7", "worker-a", lease=60) is not None


def test_pull_state_read_later_wins(tmp_path: Path) -> None:
    s = store(tmp_path)

    def pull(head: str, seen: float) -> Pull:
        return Pull(
            repo_id=1,
            number=7,
            repo="o/r",
            installation_id=1,
            clone_url="u",
            html_url="",
            head_sha=head,
            base_ref="main",
            base_sha="b",
            author="alice",
            open=True,
            updated_at="",
            seen=seen,
            comment_id=None,
        )

    s.upsert_pull(pull("new", seen=2.0))
    assert s.upsert_pull(pull("old", seen=1.0)).head_sha == "new"
    assert s.upsert_pull(pull("newer", seen=3.0)).head_sha == "newer"
    assert [p.number for p in s.pulls_for_head(1, "new")] == [7]  # head → PR map keeps old heads


def test_a_deferred_delivery_waits_for_its_delay(tmp_path: Path) -> None:
    s = store(tmp_path)
    s.add_delivery("d1", "issue_comment", "created", 1, "o/r", b"{}")
    assert s.claim_delivery("d1", "worker-a", lease=60) is not None
    s.release_delivery("d1", "deferred: rate limited", delay=0.2)
    assert s.stale_deliveries(older_than=0) == []  # not before its delay
    assert s.claim_delivery("d1", "worker-b", lease=60) is None
    time.sleep(0.3)
    assert s.stale_deliveries(older_than=0) == ["d1"]
    assert s.claim_delivery("d1", "worker-b", lease=60) is not None


def _waiting(key: str) -> PendingApprovalRow:
    return PendingApprovalRow(
        key=key,
        installation_id=1,
        repo_id=10,
        repo="o/r",
        pr_number=3,
        head_sha="h" * 40,
        approver="wendy",
        approver_id=503,
        command='{"fingerprints": [], "all": true, "reason": "capacity plan"}',
        implied=False,
        reviewed_sha=None,
        source="comment",
        source_ref="https://github.invalid/o/r/pull/3#issuecomment-1",
        body_sha256="b" * 64,
        comment_id=1,
        created=100.0,
        state=PendingState.PENDING.value,
    )


def _approval() -> ApprovalRow:
    return ApprovalRow(
        installation_id=1,
        repo_id=10,
        repo="o/r",
        pr_number=3,
        fingerprints='{"5a618b5bdaf5e3d9": "d"}',
        approver="wendy",
        approver_id=503,
        role="write",
        reason="capacity plan",
        source="comment",
        source_ref="https://github.invalid/o/r/pull/3#issuecomment-1",
        body_sha256="b" * 64,
        head_sha="h" * 40,
        base_sha="a" * 40,
        created=100.0,
        revoked=None,
        revoked_by=None,
    )


def test_a_waiting_approval_is_recorded_once_and_settled_once(tmp_path: Path) -> None:
    """The same command recorded twice is one row; settling it stores its approval with it, once:
    a second worker (or a second attempt of the analysis) stores nothing and says nothing."""
    s = store(tmp_path)
    assert s.add_pending(_waiting("k1")) is True
    assert s.add_pending(_waiting("k1")) is False
    [waiting] = s.pending_approvals(10, 3)
    assert (waiting.approver, waiting.all, waiting.fingerprints, waiting.reason) == ("wendy", True, (), "capacity plan")
    assert s.settle_pending(waiting.id, PendingState.APPLIED, "1 finding(s) approved", _approval()) is True
    assert s.settle_pending(waiting.id, PendingState.APPLIED, "1 finding(s) approved", _approval()) is False
    assert s.settle_pending(waiting.id, PendingState.DROPPED, "superseded") is False
    assert [a.approver for a in s.approvals(repo_id=10, pr_number=3)] == ["wendy"]
    assert s.pending_approvals(10, 3) == []
    [settled] = s.approvals_given_early("O/R", 3)
    assert (settled.state, settled.outcome) == (PendingState.APPLIED, "1 finding(s) approved")
    s.purge_repository(10)
    assert s.approvals_given_early("o/r") == []
