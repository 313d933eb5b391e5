"""The reconciler end to end: failed deliveries redelivered through the fake GitHub's hook API,
open pull requests whose events never arrived analysed, a pass that finds nothing left to do, the
periodic schedule; plus its settings and the database lock, without a network."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import pytest

from regress.webhooks.github import Page
from regress.webhooks.reconcile import run_pass as reconcile_pass
from regress.webhooks.settings import SettingsError, from_env
from regress.webhooks.store import Store
from tests.fakegithub import payloads
from tests.fakegithub.server import FakeGitHub
from tests.webhooks.harness import (
    INSTALLATION,
    REGRESS,
    SECRET,
    Hub,
    Process,
    delivery_state,
    service_env,
    start_serve,
    wait_until,
)
from tests.webhooks.test_app_e2e import PEOPLE, deploy

if TYPE_CHECKING:
    from regress.webhooks.service import Service

Env = tuple[FakeGitHub, Process, Hub, Path]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("reconcile")
    fake = FakeGitHub(root / "github").start()
    # One item to a page, so the reconciler has to follow every listing's Link header.
    fake.page_size = 1
    proc, url = start_serve(fake, root / "data", root / "serve.log")  # REGRESS_RECONCILE_INTERVAL=0
    fake.configure_webhook(url + "/webhook", SECRET)
    hub = Hub(fake, url, root / "work")
    try:
        yield fake, proc, hub, root / "data"
    finally:
        proc.stop()
        fake.stop()


def reconcile(fake: FakeGitHub, data: Path, *args: str, **extra: str) -> list[str]:
    done = subprocess.run(
        [REGRESS, "reconcile", *args],
        env=service_env(fake, data, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def test_a_pass_redelivers_what_failed_and_analyses_what_never_arrived(env: Env) -> None:
    fake, _, hub, data = env
    repo = "ops/recon"
    base = hub.repo(repo, {"deploy/app.yaml": deploy()}, PEOPLE)
    cut = hub.commit(repo, {"deploy/app.yaml": deploy(replicas=2)}, base, "cut")
    grow = hub.commit(repo, {"deploy/app.yaml": deploy(replicas=6)}, base, "grow")
    wendy = payloads.user("wendy", 503)

    # PR 1 arrives and needs an approval; the approving comment's delivery fails on the way.
    fake.open_pull(repo, 1, cut, base, "alice", 501)
    # (Four days ago, an attempt that failed: beyond the 3-day window, so never redelivered.)
    fake.send_event("pull_request", hub.pr_payload("opened", repo, 1), guid="too-old", reach=False, age=4 * 86400)
    opened = fake.send_event("pull_request", hub.pr_payload("opened", repo, 1), guid="pr1-opened")
    assert opened["status"] == "OK"
    assert hub.completed(repo, cut)["conclusion"] == "action_required"
    comment = fake.user_comment(repo, 1, "wendy", 503, "/regress approve all capacity plan PLAT-812")
    approval = payloads.issue_comment_event(comment, fake.pulls[(repo, 1)], fake.repo_json(repo), INSTALLATION, wendy)
    assert fake.send_event("issue_comment", approval, guid="lost-approval", reach=False)["status_code"] == 502
    # PR 2's opened event never arrives at all (a payload over 25 MB is not even attempted).
    fake.open_pull(repo, 2, grow, base, "alice", 501)
    # Failed attempts that must not be redelivered either: an event the App does not handle, and
    # one whose GUID succeeded on a later attempt.
    star = {"action": "created", "repository": payloads.repository(fake.repo_json(repo)), "sender": wendy}
    fake.send_event("star", star, guid="lost-star", reach=False)
    fake.send_event("pull_request", hub.pr_payload("synchronize", repo, 1), guid="retried", reach=False)
    assert fake.send_event("pull_request", hub.pr_payload("synchronize", repo, 1), guid="retried")["status"] == "OK"

    # With REGRESS_RECONCILE_INTERVAL=0 the service itself never ran a pass.
    assert not [r for r in fake.requests if r[1] == "/api/app/hook/deliveries"]

    assert reconcile(fake, data) == [
        "deliveries: 5 attempts in the last 3 days; redelivery requested for 1: lost-approval",
        f"pull requests: 2 open in 1 repository of 1 installation; 1 queued for analysis: ops/recon#2@{grow[:12]}",
    ]
    # At once again, while that work is pending: nothing new (the redelivery attempt is listed now).
    assert reconcile(fake, data) == [
        "deliveries: 6 attempts in the last 3 days; redelivery requested for 0",
        "pull requests: 2 open in 1 repository of 1 installation; 0 queued for analysis",
    ]

    # The redelivered comment arrived under its original id and its approval was taken.
    wait_until(lambda: delivery_state(data, "lost-approval") == "done", what="the redelivered comment")
    attempts = fake.attempts_for("lost-approval")
    assert [(a["redelivery"], a["status"]) for a in attempts] == [
        (False, "Invalid HTTP Response: 502"),
        (True, "OK"),
    ]
    run = hub.completed(repo, cut, count=2)
    assert run["conclusion"] == "success"
    assert "capacity plan PLAT-812" in run["output"]["text"]
    # The PR whose event never arrived has its check run.
    assert hub.completed(repo, grow)["conclusion"] == "success"
    assert len(fake.runs_for(repo, grow)) == 1
    # Nothing else was redelivered.
    for guid in ("lost-star", "too-old", "retried", "pr1-opened"):
        assert not [a for a in fake.attempts_for(guid) if a["redelivery"]], guid
    assert delivery_state(data, "lost-star") is None

    # Once everything is done, a pass finds nothing to do either.
    assert json.loads("\n".join(reconcile(fake, data, "--format", "json"))) == {
        "window_days": 3.0,
        "deliveries_seen": 6,
        "redelivered": [],
        "installations": 1,
        "repositories": 1,
        "open_pulls": 2,
        "requested": [],
        "limits": [],
        "errors": [],
    }
    assert fake.runs_for(repo, cut)[0]["history"].count("completed") == 2
    assert fake.runs_for(repo, grow)[0]["history"].count("completed") == 1
    assert fake.errors == []


def test_a_pass_is_bounded_and_the_next_one_carries_on(env: Env) -> None:
    fake, _, hub, data = env
    repo = "ops/bounds"
    base = hub.repo(repo, {"deploy/app.yaml": deploy()}, PEOPLE)
    heads = [hub.commit(repo, {"deploy/app.yaml": deploy(replicas=n)}, base, f"b{n}") for n in (5, 6)]
    for number, head in enumerate(heads, start=1):
        fake.open_pull(repo, number, head, base, "alice", 501)  # no event is ever sent
    # Newest PR first, as GitHub lists them; one analysis per pass.
    first = reconcile(fake, data, REGRESS_RECONCILE_MAX_PULLS="1")
    assert first[1].endswith(f"; 1 queued for analysis: ops/bounds#2@{heads[1][:12]}")
    assert first[2:] == ["limit: pull requests: 1 queued, the rest waits for the next pass"]
    second = reconcile(fake, data, REGRESS_RECONCILE_MAX_PULLS="1")
    assert second[1].endswith(f"; 1 queued for analysis: ops/bounds#1@{heads[0][:12]}")
    for head in heads:
        assert hub.completed(repo, head)["conclusion"] == "success"
    # One page per listing: what was not read is said.
    assert reconcile(fake, data, REGRESS_RECONCILE_MAX_PAGES="1")[2:] == [
        "limit: hook deliveries: stopped after 1 page",
        "limit: open pull requests of ops/bounds: stopped after 1 page",
        "limit: repositories of installation 77: stopped after 1 page",
    ]


def test_the_worker_runs_passes_on_its_own(tmp_path: Path) -> None:
    fake = FakeGitHub(tmp_path / "github").start()
    proc, url = start_serve(fake, tmp_path / "data", tmp_path / "serve.log", REGRESS_RECONCILE_INTERVAL="1")
    try:
        fake.configure_webhook(url + "/webhook", SECRET)
        hub = Hub(fake, url, tmp_path / "work")
        base = hub.repo("ops/periodic", {"deploy/app.yaml": deploy()}, PEOPLE)
        head = hub.commit("ops/periodic", {"deploy/app.yaml": deploy(replicas=1)}, base, "cut")
        fake.open_pull("ops/periodic", 7, head, base, "alice", 501)  # no event is ever sent
        assert hub.completed("ops/periodic", head)["conclusion"] == "action_required"
        # Passes go on every second, but the analysed head is not requested again.
        seen = len([r for r in fake.requests if r[1] == "/api/app/installations"])
        wait_until(
            lambda: len([r for r in fake.requests if r[1] == "/api/app/installations"]) >= seen + 2,
            what="two more passes",
        )
        assert fake.runs_for("ops/periodic", head)[0]["history"].count("completed") == 1
        assert fake.errors == []
    finally:
        proc.stop()
        fake.stop()


def test_one_pass_at_a_time_and_once_per_interval(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    store.create_schema()
    assert store.take_lock("reconcile", "worker-a", lease=60, every=300)
    assert store.lock_holder("reconcile") == "worker-a"
    # Held: no other process runs a pass, periodic or by hand.
    assert not store.take_lock("reconcile", "worker-b", lease=60, every=300)
    assert not store.take_lock("reconcile", "cli", lease=60)
    store.release_lock("reconcile", "worker-a")
    assert store.lock_holder("reconcile") is None
    # Free, but the next periodic pass is not due for 300 s; a pass by hand may run now.
    assert not store.take_lock("reconcile", "worker-b", lease=60, every=300)
    assert store.take_lock("reconcile", "cli", lease=60)
    store.release_lock("reconcile", "cli")
    # A holder that died: its lease runs out and the lock can be taken again.
    assert store.take_lock("reconcile", "dead", lease=0.01)
    time.sleep(0.05)
    assert store.take_lock("reconcile", "cli", lease=60)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 300.0), ("", 300.0), ("0", 0.0), ("60", 60.0), ("2.5", 2.5)],
)
def test_reconcile_interval_setting(raw: str | None, expected: float) -> None:
    env = {"REGRESS_DATA_DIR": "/nonexistent"} | ({} if raw is None else {"REGRESS_RECONCILE_INTERVAL": raw})
    assert from_env(env, need_github=False).reconcile_interval == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-5", "REGRESS_RECONCILE_INTERVAL must be 0 (off) or a positive number of seconds"),
        ("nan", "REGRESS_RECONCILE_INTERVAL must be 0 (off) or a positive number of seconds"),
        ("5m", "REGRESS_RECONCILE_INTERVAL='5m' is not a number of seconds"),
    ],
)
def test_reconcile_interval_setting_refuses_nonsense(raw: str, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        from_env({"REGRESS_RECONCILE_INTERVAL": raw}, need_github=False)
    assert str(err.value) == message


def test_redelivery_window_and_bounds_settings() -> None:
    s = from_env(
        {
            "REGRESS_REDELIVERY_DAYS": "7",
            "REGRESS_RECONCILE_MAX_PAGES": "5",
            "REGRESS_RECONCILE_MAX_PULLS": "50",
        },
        need_github=False,
    )
    assert (s.redelivery_days, s.reconcile_max_pages, s.reconcile_max_pulls) == (7.0, 5, 50)
    d = from_env({}, need_github=False)
    assert (d.redelivery_days, d.reconcile_max_pages, d.reconcile_max_pulls) == (3.0, 20, 200)


class ListingOnlyGitHub:
    """Just the listings a pass reads: a fixed set of delivery attempts and no installations."""

    def __init__(self, attempts: list[dict[str, object]]) -> None:
        self.attempts = attempts
        self.redelivered: list[int] = []

    def hook_deliveries(self, cursor: str | None) -> Page:
        return Page([dict(a) for a in self.attempts], None)

    def redeliver(self, delivery_id: int) -> None:
        self.redelivered.append(delivery_id)

    def installations(self, page: int) -> Page:
        return Page([], None)


def test_a_guid_is_redelivered_at_most_three_times_and_not_in_quick_succession(tmp_path: Path) -> None:
    now = time.time()
    at = dt.datetime.fromtimestamp(now - 600, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def attempt(id_: int, guid: str, status: str) -> dict[str, object]:
        return {
            "id": id_,
            "guid": guid,
            "delivered_at": at,
            "status": status,
            "event": "pull_request",
            "action": "opened",
        }

    github = ListingOnlyGitHub(
        [
            attempt(11, "lost", "Invalid HTTP Response: 503"),
            attempt(10, "lost", "timed out"),
            attempt(9, "kept", "timed out"),
        ]
    )
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    store.create_schema()
    # "kept" reached the service, though GitHub recorded a timeout (it answered too slowly).
    assert store.add_delivery("kept", "pull_request", "opened", 1, "o/r", b"{}")
    settings = from_env({"REGRESS_DATA_DIR": str(tmp_path)}, need_github=False)
    svc = cast("Service", SimpleNamespace(settings=settings, github=github, store=store))

    redelivered = [reconcile_pass(svc, now + offset).redelivered for offset in (0, 60, 1000, 2000, 3000, 90_000)]
    # The newest attempt of "lost" is asked for; not again within 15 minutes; three times in all.
    assert redelivered == [("lost",), (), ("lost",), ("lost",), (), ()]
    assert github.redelivered == [11, 11, 11]
