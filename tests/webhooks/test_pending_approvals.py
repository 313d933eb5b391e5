"""Approvals given before the head's analysis has finished, and approvals re-checked against a
policy made stricter since, end to end: a real ``regress serve``, the fake GitHub over loopback
(holding the App's check-run creation to keep an analysis "running"), and SQLite state."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakegithub import payloads
from tests.fakegithub.server import FakeGitHub, Hold
from tests.webhooks.harness import INSTALLATION, REGRESS, Hub, Process, delivery_state, start_serve, wait_until
from tests.webhooks.test_app_e2e import deploy

PEOPLE = {"alice": "write", "wendy": "write", "rita": "read", "mo": "maintain", "ada": "admin"}
TWO_FOR_RELIABILITY = """\
approvals:
  approving-reviews: true
  categories:
    reliability: {count: 2}
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeGitHub, Path, Hub]]:
    root = tmp_path_factory.mktemp("pending")
    fake = FakeGitHub(root / "github").start()
    fake.teams = {"shop/secops": {"ada": "active"}, "shop/sre": {"wendy": "active"}}
    proc, url = start_serve(fake, root / "data", root / "serve.log")
    hub = Hub(fake, url, root / "work")
    try:
        yield fake, root, hub
    finally:
        proc.stop()
        fake.stop()


def trail(data_dir: Path, repo: str) -> dict[str, Any]:
    """``regress approvals --format json``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGRESS_")}
    env["REGRESS_DATA_DIR"] = str(data_dir)
    out = subprocess.run(
        [REGRESS, "approvals", "--repo", repo, "--format", "json"], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def audit(data_dir: Path, repo: str) -> list[dict[str, Any]]:
    return list(trail(data_dir, repo)["approvals"])


def early(data_dir: Path, repo: str) -> list[tuple[str, str, str, str | None]]:
    """(approver, source, state, outcome) of the approvals given before their analysis finished."""
    return [
        (e["approver"], e["source"], e["state"], e["outcome"]) for e in trail(data_dir, repo)["given_before_analysis"]
    ]


def handled(data_dir: Path, *delivery_ids: str) -> None:
    for did in delivery_ids:
        wait_until(lambda d=did: delivery_state(data_dir, d) in ("done", "ignored"), what=f"delivery {did} handled")


def replies(fake: FakeGitHub, repo: str, n: int) -> list[str]:
    """Bot comments other than the report: answers to commands."""
    return [c["body"] for c in fake.comments_on(repo, n, bot=True) if "regress:report" not in c["body"]]


def report_comment(fake: FakeGitHub, repo: str, n: int) -> str:
    bodies = [c["body"] for c in fake.comments_on(repo, n, bot=True) if "regress:report" in c["body"]]
    assert len(bodies) == 1
    return bodies[0]


def fingerprints(run: dict[str, Any]) -> dict[str, str]:
    out = {}
    for a in run["annotations"]:
        fp = re.search(r"Fingerprint: ([0-9a-f]{16})", a["message"])
        assert fp is not None
        out[a["title"].split(" ")[0]] = fp.group(1)
    return out


def running(fake: FakeGitHub, repo: str) -> Hold:
    """Hold the App's check-run creation for ``repo``: an analysis started there waits."""
    return fake.hold("POST", rf"/repos/{repo}/check-runs$")


def test_approvals_given_while_the_analysis_runs_are_published_with_it(env: tuple[FakeGitHub, Path, Hub]) -> None:
    """A comment and an approving review while the head is being analysed: the check run and the
    comment that analysis publishes show both approvals, the only time it completes. The comment
    handled twice and the second review by the same person add nothing."""
    fake, root, hub = env
    repo = "shop/early"
    base = hub.repo(repo, {"deploy/checkout.yaml": deploy(), ".regress.yml": TWO_FOR_RELIABILITY}, PEOPLE)
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    held = running(fake, repo)
    try:
        n = hub.open_pr(repo, head, base, author="alice")
        wait_until(lambda: held.reached, what="the analysis to start")
        # mo approves in a review, twice; then wendy in a comment, handled twice (a second delivery
        # of it under a new id). One at a time, so they are recorded in this order.
        ids = [str(uuid.uuid4()) for _ in range(4)]
        hub.review(repo, n, "mo", "Capacity plan checked.", uid=700, state="approved", delivery_id=ids[0])
        handled(root / "data", ids[0])
        hub.review(repo, n, "mo", "", uid=700, state="approved", delivery_id=ids[1])
        handled(root / "data", ids[1])
        comment = fake.user_comment(repo, n, "wendy", 503, "/regress approve all capacity plan PLAT-812")
        payload = payloads.issue_comment_event(
            comment, fake.pulls[(repo, n)], fake.repo_json(repo), INSTALLATION, payloads.user("wendy", 503)
        )
        assert hub.deliver("issue_comment", payload, ids[2]).status_code == 202
        assert hub.deliver("issue_comment", payload, ids[3]).status_code == 202
        handled(root / "data", ids[2], ids[3])
        assert {r["content"] for r in fake.reactions if r["comment_id"] == comment["id"]} == {"eyes"}
        assert fake.runs_for(repo, head) == []  # the analysis is held before it creates its check run
    finally:
        held.release()
    run = hub.completed(repo, head)
    assert run["conclusion"] == "success"
    assert run["history"] == ["in_progress", "completed"]
    fp = fingerprints(run)["replicas-reduced"]
    first_review = min((r for r in fake.reviews.values() if r["user"]["login"] == "mo"), key=lambda r: r["id"])
    assert [
        (r["approver"], r["source"], r["source_ref"], r["reason"], r["fingerprints"])
        for r in audit(root / "data", repo)
    ] == [
        ("mo", "review", first_review["html_url"], "Capacity plan checked.", [fp]),
        ("wendy", "comment", comment["html_url"], "capacity plan PLAT-812", [fp]),
    ]
    wait_until(lambda: fake.comments_on(repo, n, bot=True), what="the report comment")
    assert "approved by mo, wendy: Capacity plan checked. / capacity plan PLAT-812" in report_comment(fake, repo, n)
    # 👀 when it was recorded, 👍 when it was applied; nothing said to anyone.
    wait_until(lambda: any(r["content"] == "+1" for r in fake.reactions), what="the +1 reaction")
    assert [r["content"] for r in fake.reactions if r["comment_id"] == comment["id"]][-1] == "+1"
    assert replies(fake, repo, n) == []
    # Recorded once per comment or review; mo's second review found nothing left for him to add.
    assert early(root / "data", repo) == [
        ("mo", "review", "applied", "1 finding(s) approved"),
        (
            "mo",
            "review",
            "dropped",
            f"`{fp}` (reliability): you have approved it already; reliability findings need approvals by 2 "
            "different people",
        ),
        ("wendy", "comment", "applied", "1 finding(s) approved"),
    ]
    time.sleep(0.5)
    assert fake.runs_for(repo, head)[0]["history"] == ["in_progress", "completed"]
    assert fake.errors == []


def test_a_push_before_the_analysis_finished_drops_the_approval_and_says_so_once(
    env: tuple[FakeGitHub, Path, Hub],
) -> None:
    fake, root, hub = env
    repo = "shop/moved"
    base = hub.repo(repo, {"deploy/checkout.yaml": deploy()}, PEOPLE)
    first = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=2)}, base, "cut")
    second = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1)}, first, "cut")
    held = running(fake, repo)
    try:
        n = hub.open_pr(repo, first, base, author="alice")
        wait_until(lambda: held.reached, what="the analysis to start")
        ids = [str(uuid.uuid4()) for _ in range(2)]
        hub.comment(repo, n, "wendy", "/regress approve all capacity plan PLAT-812", uid=503, delivery_id=ids[0])
        handled(root / "data", ids[0])
        fake.push_pull(repo, n, second)
        assert hub.deliver("pull_request", hub.pr_payload("synchronize", repo, n), ids[1]).status_code == 202
        handled(root / "data", ids[1])
    finally:
        held.release()
    assert hub.completed(repo, second)["conclusion"] == "action_required"
    assert fake.runs_for(repo, first)[0]["conclusion"] == "action_required"
    url = max(fake.comments.values(), key=lambda c: c["id"] if c["user"]["login"] == "wendy" else 0)["html_url"]
    assert replies(fake, repo, n) == [
        f"@wendy your approval ({url}) was not applied: it was given on {first[:12]}, and the pull request's head "
        f"moved to {second[:12]} before regress had finished analysing {first[:12]}; approve again once the check "
        f"of {second[:12]} completes."
    ]
    assert audit(root / "data", repo) == []
    assert early(root / "data", repo) == [("wendy", "comment", "dropped", f"superseded by {second}")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGRESS_")}
    env["REGRESS_DATA_DIR"] = str(root / "data")
    text = subprocess.run(
        [REGRESS, "approvals", "--repo", repo], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert text.splitlines()[:3] == [
        f"#{n} {text.split()[1]} wendy via comment on {first[:12]}, before its analysis had finished "
        f"[dropped: superseded by {second}]",
        "    approves: all",
        "    reason: capacity plan PLAT-812",
    ]
    # Another analysis of the new head says nothing more.
    hub.comment(repo, n, "mo", "/regress recheck", uid=700)
    hub.completed(repo, second, count=2)
    assert len(replies(fake, repo, n)) == 1
    assert fake.errors == []


def test_an_approval_recorded_after_the_analysis_read_the_waiting_ones_makes_it_go_round(
    env: tuple[FakeGitHub, Path, Hub],
) -> None:
    """The analysis of a new head is held after it applied the waiting approvals (while it checks
    ada's earlier approval against the policy), and wendy approves then: that analysis publishes
    without her approval and goes round once more, whose publication has it."""
    fake, root, hub = env
    repo = "shop/late"
    base = hub.repo(
        repo,
        {"deploy/checkout.yaml": deploy(), "deploy/cart.yaml": deploy().replace("checkout", "cart")},
        PEOPLE,
    )
    files = {
        "deploy/checkout.yaml": deploy(replicas=1),
        "deploy/cart.yaml": deploy(replicas=2).replace("checkout", "cart"),
    }
    first = hub.commit(repo, files, base, "cut")
    n = hub.open_pr(repo, first, base, author="alice")
    fps = sorted(
        re.findall(
            r"Fingerprint: ([0-9a-f]{16})", " ".join(a["message"] for a in hub.completed(repo, first)["annotations"])
        )
    )
    assert len(fps) == 2
    hub.comment(repo, n, "ada", f"/regress approve {fps[0]} cart is idle", uid=504)
    assert hub.completed(repo, first, count=2)["output"]["title"] == "1 unapproved violation, 1 approved"
    held = fake.hold("GET", rf"/repos/{repo}/collaborators/ada/permission$")
    second = hub.commit(repo, {**files, "README.md": "cut\n"}, first, "cut")
    try:
        hub.push_pr(repo, n, second)
        wait_until(lambda: held.reached, what="the analysis to check ada's approval")
        did = str(uuid.uuid4())
        hub.comment(repo, n, "wendy", f"/regress approve {fps[1]} capacity plan PLAT-812", uid=503, delivery_id=did)
        handled(root / "data", did)
    finally:
        held.release()
    run = hub.completed(repo, second, count=2)
    assert run["conclusion"] == "success"
    assert run["history"] == ["in_progress", "completed", "in_progress", "completed"]
    assert [(r["approver"], r["head_sha"]) for r in audit(root / "data", repo)] == [("ada", first), ("wendy", second)]
    assert replies(fake, repo, n) == []
    assert fake.errors == []


def test_a_dismissed_review_drops_its_pending_approval(env: tuple[FakeGitHub, Path, Hub]) -> None:
    fake, root, hub = env
    repo = "shop/dismissed-early"
    base = hub.repo(
        repo, {"deploy/checkout.yaml": deploy(), ".regress.yml": "approvals:\n  approving-reviews: true\n"}, PEOPLE
    )
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    held = running(fake, repo)
    try:
        n = hub.open_pr(repo, head, base, author="alice")
        wait_until(lambda: held.reached, what="the analysis to start")
        ids = [str(uuid.uuid4()) for _ in range(2)]
        hub.review(repo, n, "wendy", "Capacity plan PLAT-812.", uid=503, state="approved", delivery_id=ids[0])
        handled(root / "data", ids[0])
        review = max(fake.reviews.values(), key=lambda r: r["id"])
        dismissed = payloads.pull_request_review_event(
            {**review, "state": "dismissed", "body": None},
            fake.pulls[(repo, n)],
            fake.repo_json(repo),
            fake.repo_json(repo),
            INSTALLATION,
            payloads.user("mo", 700),
            "dismissed",
        )
        assert hub.deliver("pull_request_review", dismissed, ids[1]).status_code == 202
        handled(root / "data", ids[1])
        assert delivery_state(root / "data", ids[1]) == "done"
    finally:
        held.release()
    assert hub.completed(repo, head)["conclusion"] == "action_required"
    assert audit(root / "data", repo) == []
    assert early(root / "data", repo) == [("wendy", "review", "dropped", "review dismissed by mo")]
    assert replies(fake, repo, n) == []
    assert fake.errors == []


def test_a_review_whose_dismissal_was_handled_first_approves_nothing(env: tuple[FakeGitHub, Path, Hub]) -> None:
    """Deliveries run out of order: the dismissal of an approving review handled before its
    submission leaves nothing for the submission to approve, at once or later."""
    fake, root, hub = env
    repo = "shop/dismissed-first"
    base = hub.repo(
        repo, {"deploy/checkout.yaml": deploy(), ".regress.yml": "approvals:\n  approving-reviews: true\n"}, PEOPLE
    )
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    n = hub.open_pr(repo, head, base, author="alice")
    hub.completed(repo, head)
    review = fake.user_review(repo, n, "wendy", 503, "Capacity plan PLAT-812.", head, "approved")
    pr, repo_json = fake.pulls[(repo, n)], fake.repo_json(repo)
    submitted = payloads.pull_request_review_event(
        review, pr, repo_json, repo_json, INSTALLATION, payloads.user("wendy", 503)
    )
    dismissed = payloads.pull_request_review_event(
        {**review, "state": "dismissed", "body": None},
        pr,
        repo_json,
        repo_json,
        INSTALLATION,
        payloads.user("mo", 700),
        "dismissed",
    )
    ids = [str(uuid.uuid4()) for _ in range(2)]
    assert hub.deliver("pull_request_review", dismissed, ids[0]).status_code == 202
    handled(root / "data", ids[0])
    assert hub.deliver("pull_request_review", submitted, ids[1]).status_code == 202
    handled(root / "data", ids[1])
    assert delivery_state(root / "data", ids[1]) == "ignored"
    assert audit(root / "data", repo) == []
    assert early(root / "data", repo) == []
    assert fake.runs_for(repo, head)[0]["conclusion"] == "action_required"
    assert replies(fake, repo, n) == []


def test_an_approval_recorded_before_the_worker_died_is_applied_by_the_next(
    env: tuple[FakeGitHub, Path, Hub],
) -> None:
    """The service killed while the analysis runs, after the approval was recorded: the analysis
    runs again when its lease expires and publishes the approval."""
    fake, root, _ = env
    data = root / "crash-data"
    proc, url = start_serve(fake, data, root / "crash.log")
    hub = Hub(fake, url, root / "crash-work")
    repo = "shop/crash"
    base = hub.repo(repo, {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    held = running(fake, repo)
    again: Process | None = None
    try:
        n = hub.open_pr(repo, head, base, author="alice")
        wait_until(lambda: held.reached, what="the analysis to start")
        did = str(uuid.uuid4())
        hub.comment(repo, n, "wendy", "/regress approve all capacity plan PLAT-812", uid=503, delivery_id=did)
        handled(data, did)
        proc.kill()
        held.release()
        again, hub.app_url = start_serve(fake, data, root / "crash-again.log")
        run = hub.completed(repo, head)
        assert run["conclusion"] == "success"
        assert [(r["approver"], r["source"]) for r in audit(data, repo)] == [("wendy", "comment")]
    finally:
        held.release()
        proc.stop()
        if again is not None:
            again.stop()
    assert fake.errors == []
