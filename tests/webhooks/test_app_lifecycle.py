"""Installations and base changes end to end: suspend, uninstall (purge), a PR retargeted to
another base branch."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import gitrepo
from tests.fakegithub import payloads
from tests.fakegithub.server import FakeGitHub
from tests.webhooks.harness import INSTALLATION, Hub, Process, delivery_state, start_serve, wait_until
from tests.webhooks.test_app_e2e import PEOPLE, deploy


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeGitHub, Process, Hub, Path]]:
    root = tmp_path_factory.mktemp("lifecycle")
    fake = FakeGitHub(root / "github").start()
    proc, url = start_serve(fake, root / "data", root / "serve.log")
    hub = Hub(fake, url, root / "work")
    try:
        yield fake, proc, hub, root / "data"
    finally:
        proc.stop()
        fake.stop()


def installation_event(action: str) -> dict[str, object]:
    name = "installation.deleted" if action == "deleted" else "installation.created"
    e = payloads.example(name)
    e["action"] = action
    e["installation"] = {**e["installation"], "id": INSTALLATION}
    return e


def test_retargeted_pr_is_compared_with_its_new_base(env: tuple[FakeGitHub, Process, Hub, Path]) -> None:
    fake, _, hub, _ = env
    main = hub.repo("ops/retarget", {"deploy/app.yaml": deploy(replicas=2)}, PEOPLE)
    release = hub.commit("ops/retarget", {"deploy/app.yaml": deploy(replicas=6)}, main, "release")
    head = hub.commit("ops/retarget", {"deploy/app.yaml": deploy(replicas=3)}, release, "tune")
    n = hub.open_pr("ops/retarget", head, main)
    # Against main the change is 2 → 3 replicas (the merge base is main's commit).
    assert hub.completed("ops/retarget", head)["conclusion"] == "success"
    # Retargeted to the release branch (6 replicas), the merge base moves: the same head cuts 6 → 3.
    pr = fake.pulls[("ops/retarget", n)]
    pr.update({"base_sha": release, "base_ref": "release", "updated_at": fake._now(1)})
    event = hub.pr_payload("edited", "ops/retarget", n)
    assert "changes" in event and hub.deliver("pull_request", event).status_code == 202
    run = hub.completed("ops/retarget", head, count=2)
    assert run["conclusion"] == "action_required"
    # An edit of the title only is not a reason to analyse again.
    event.pop("changes")
    assert hub.deliver("pull_request", event).status_code == 202
    time.sleep(1.5)
    assert fake.runs_for("ops/retarget", head)[0]["history"].count("completed") == 2


def test_suspended_installation_is_left_alone_and_uninstall_purges(env: tuple[FakeGitHub, Process, Hub, Path]) -> None:
    fake, _, hub, data = env
    base = hub.repo("ops/suspend", {"deploy/app.yaml": deploy()}, PEOPLE)
    head = hub.commit("ops/suspend", {"deploy/app.yaml": deploy(replicas=1)}, base, "cut")

    def handled(delivery_id: str) -> None:
        wait_until(lambda: delivery_state(data, delivery_id) == "done", what=f"delivery {delivery_id}")

    assert hub.deliver("installation", installation_event("suspend"), delivery_id="suspend-1").status_code == 202
    handled("suspend-1")
    hub.open_pr("ops/suspend", head, base)
    time.sleep(2.0)
    assert fake.runs_for("ops/suspend", head) == []
    assert hub.deliver("installation", installation_event("unsuspend"), delivery_id="unsuspend-1").status_code == 202
    handled("unsuspend-1")
    hub.push_pr("ops/suspend", 1, head)
    assert hub.completed("ops/suspend", head)["conclusion"] == "action_required"
    mirrors = list((data / "mirrors").glob("*.git"))
    assert mirrors
    # The mirrors hold no token: it only ever travelled as a header.
    for token in fake.tokens:
        for f in (data / "mirrors").rglob("*"):
            if f.is_file() and f.stat().st_size < 1_000_000:
                assert token.encode() not in f.read_bytes(), f
    assert gitrepo.git(mirrors[0], "config", "--list").count("extraheader") == 0
    assert hub.deliver("installation", installation_event("deleted")).status_code == 202
    deadline = time.monotonic() + 20
    while list((data / "mirrors").glob("*.git")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list((data / "mirrors").glob("*.git")) == []
