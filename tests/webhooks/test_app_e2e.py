"""The App end to end: a real ``regress serve`` against the fake GitHub over loopback HTTP."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.fakegithub.server import FakeGitHub
from tests.webhooks.harness import Hub, Process, start_serve, wait_until

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: checkout, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: checkout}}}}
  template:
    metadata: {{labels: {{app: checkout}}}}
    spec:
      containers:
        - name: checkout
          image: registry.example.com/checkout:1.0.0
{probe}{privileged}"""
PROBE = "          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n"
PRIVILEGED = "          securityContext: {privileged: true}\n"


def deploy(replicas: int = 4, probe: bool = True, privileged: bool = False) -> str:
    return DEPLOY.format(replicas=replicas, probe=PROBE if probe else "", privileged=PRIVILEGED if privileged else "")


PEOPLE = {"alice": "write", "wendy": "write", "rita": "read", "mo": "maintain"}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeGitHub, Process, Hub]]:
    root = tmp_path_factory.mktemp("e2e")
    fake = FakeGitHub(root / "github").start()
    proc, url = start_serve(fake, root / "data", root / "serve.log")
    hub = Hub(fake, url, root / "work")
    try:
        yield fake, proc, hub
    finally:
        proc.stop()
        fake.stop()


def test_weakening_needs_approval_by_a_writer(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    base = hub.repo("shop/checkout", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/checkout", {"deploy/checkout.yaml": deploy(replicas=2)}, base, "cut")
    n = hub.open_pr("shop/checkout", head, base, author="alice")

    run = hub.completed("shop/checkout", head)
    assert run["conclusion"] == "action_required"
    assert run["name"] == "regress"
    assert run["actions"] == [
        {"label": "Approve all", "description": "Approve every finding of this run", "identifier": "approve-all"}
    ]
    assert run["output"]["title"] == "1 unapproved violation"
    assert [(a["path"], a["start_line"], a["annotation_level"]) for a in run["annotations"]] == [
        ("deploy/checkout.yaml", 5, "warning")
    ]
    assert "replicas" in run["annotations"][0]["message"]
    fingerprint = re.search(r"Fingerprint: ([0-9a-f]{16})", run["annotations"][0]["message"]).group(1)  # type: ignore[union-attr]
    comments = wait_until(lambda: fake.comments_on("shop/checkout", n, bot=True), what="the PR comment")
    assert len(comments) == 1
    assert "<!-- regress:report -->" in comments[0]["body"]
    assert fingerprint in comments[0]["body"]

    # The author may not approve their own PR; a reader may not approve at all: both get a reply.
    hub.comment("shop/checkout", n, "alice", f"/regress approve {fingerprint} fine by me", uid=501)
    hub.comment("shop/checkout", n, "rita", "/regress approve all looks fine", uid=502)

    def refusals() -> list[str] | None:
        found = sorted(c["body"] for c in fake.comments_on("shop/checkout", n, bot=True) if "refused" in c["body"])
        return found if len(found) == 2 else None

    replies = wait_until(refusals, what="two refusals")  # handled concurrently: in either order
    assert replies[0].startswith("@alice approval refused: the author of a pull request cannot approve")
    assert replies[1] == (
        "@rita approval refused: approving needs the write permission on this repository; you have read."
    )
    assert fake.runs_for("shop/checkout", head)[0]["conclusion"] == "action_required"

    # A writer approves with a reason: the same check run turns green at once.
    r = hub.comment("shop/checkout", n, "wendy", f"/regress approve {fingerprint[:10]} capacity plan PLAT-812", uid=503)
    assert r.status_code == 202
    run = hub.completed("shop/checkout", head, count=2)
    assert run["conclusion"] == "success"
    assert len(fake.runs_for("shop/checkout", head)) == 1
    assert "@wendy (write)" in run["output"]["text"]
    assert "capacity plan PLAT-812" in run["output"]["text"]
    wait_until(
        lambda: (
            "approved by wendy: capacity plan PLAT-812" in fake.comments_on("shop/checkout", n, bot=True)[0]["body"]
        ),
        what="the comment to show the approval",
    )
    approving_comment = max(c["id"] for c in fake.comments_on("shop/checkout", n, bot=False))
    assert {"comment_id": approving_comment, "content": "+1"} in fake.reactions

    # A push that adds a new violation (the readiness probe removed) re-opens the check.
    head2 = hub.commit("shop/checkout", {"deploy/checkout.yaml": deploy(replicas=2, probe=False)}, head, "cut")
    hub.push_pr("shop/checkout", n, head2)
    run2 = hub.completed("shop/checkout", head2)
    assert run2["conclusion"] == "action_required"
    assert run2["output"]["title"] == "1 unapproved violation, 1 approved"
    # Still one sticky comment, edited in place.
    assert len([c for c in fake.comments_on("shop/checkout", n, bot=True) if "regress:report" in c["body"]]) == 1

    # A push that only removes the new violation keeps the earlier approval: green again.
    head3 = hub.commit("shop/checkout", {"deploy/checkout.yaml": deploy(replicas=2)}, head2, "cut")
    hub.push_pr("shop/checkout", n, head3)
    assert hub.completed("shop/checkout", head3)["conclusion"] == "success"
    assert fake.errors == []


def test_clean_pr_passes_without_a_comment(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    base = hub.repo("shop/clean", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/clean", {"deploy/checkout.yaml": deploy(replicas=6)}, base, "more")
    n = hub.open_pr("shop/clean", head, base)
    run = hub.completed("shop/clean", head)
    assert run["conclusion"] == "success"
    assert run["output"]["title"] == "No weakening found"
    assert run["annotations"] == []
    assert run["actions"] == []
    time.sleep(0.5)
    assert fake.comments_on("shop/clean", n) == []
    assert fake.errors == []


def test_duplicate_delivery_is_analysed_once(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    base = hub.repo("shop/dupe", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/dupe", {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    fake.open_pull("shop/dupe", 1, head, base, "alice", 501)
    payload = hub.pr_payload("opened", "shop/dupe", 1)
    first = hub.deliver("pull_request", payload, delivery_id="dup-1")
    second = hub.deliver("pull_request", payload, delivery_id="dup-1")
    assert (first.status_code, first.json()) == (202, {"status": "accepted"})
    assert (second.status_code, second.json()) == (200, {"status": "duplicate"})
    run = hub.completed("shop/dupe", head)
    time.sleep(1.5)
    assert len(fake.runs_for("shop/dupe", head)) == 1
    assert run["history"] == ["in_progress", "completed"]


def test_bad_signature_is_refused_and_not_stored(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    base = hub.repo("shop/forged", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/forged", {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    fake.open_pull("shop/forged", 1, head, base, "alice", 501)
    payload = hub.pr_payload("opened", "shop/forged", 1)
    r = hub.deliver("pull_request", payload, delivery_id="forged-1", secret="not the secret")
    assert (r.status_code, r.json()) == (401, {"error": "bad signature"})
    # Not stored: the same delivery id, correctly signed, is accepted as new.
    r = hub.deliver("pull_request", payload, delivery_id="forged-1")
    assert r.status_code == 202
    hub.completed("shop/forged", head)


def test_fork_pr_and_check_run_button(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """A fork PR's head lives in the fork; check-run events for it carry no pull_requests."""
    from tests.fakegithub import payloads
    from tests.webhooks.harness import INSTALLATION

    fake, _, hub = env
    base = hub.repo("shop/upstream", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    hub.repo("mallory/upstream", {"deploy/checkout.yaml": deploy()})
    # The fork's history starts from upstream's main.
    from tests import gitrepo

    gitrepo.git(hub.work / "mallory/upstream", "fetch", "-q", str(fake.repos["shop/upstream"].bare), "main")
    head = hub.commit("mallory/upstream", {"deploy/checkout.yaml": deploy(probe=False)}, "FETCH_HEAD", "fix")
    n = hub.open_pr("shop/upstream", head, base, author="mallory", head_repo="mallory/upstream", author_id=666)
    run = hub.completed("shop/upstream", head)
    assert run["conclusion"] == "action_required"

    # "Approve all" clicked by the author of the PR: refused, with a reply.
    event = payloads.check_run_event(
        "requested_action",
        run,
        fake.repo_json("shop/upstream"),
        INSTALLATION,
        payloads.user("mallory", 666),
        fake.app_id,
        identifier="approve-all",
    )
    assert hub.deliver("check_run", event).status_code == 202
    wait_until(
        lambda: any("@mallory approval refused" in c["body"] for c in fake.comments_on("shop/upstream", n)),
        what="the refusal",
    )
    # Clicked by a maintainer: approved with "no reason given", the same run goes green.
    event["sender"] = payloads.user("mo", 700)
    assert hub.deliver("check_run", event).status_code == 202
    run = hub.completed("shop/upstream", head, count=2)
    assert run["conclusion"] == "success"
    assert "no reason given" in run["output"]["text"]
    assert "@mo (maintain)" in run["output"]["text"]

    # Re-run from the checks tab: analysed again, still one run for the commit.
    event = payloads.check_run_event(
        "rerequested", run, fake.repo_json("shop/upstream"), INSTALLATION, payloads.user("mo", 700), fake.app_id
    )
    assert hub.deliver("check_run", event).status_code == 202
    run = hub.completed("shop/upstream", head, count=3)
    assert run["conclusion"] == "success"
    assert len(fake.runs_for("shop/upstream", head)) == 1
    assert fake.errors == []


def test_revoke_and_recheck(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    base = hub.repo("shop/revoke", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/revoke", {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    n = hub.open_pr("shop/revoke", head, base, author="rita")
    hub.completed("shop/revoke", head)
    hub.comment("shop/revoke", n, "wendy", "/regress approve all batch job, runs once a day")
    assert hub.completed("shop/revoke", head, count=2)["conclusion"] == "success"
    hub.comment("shop/revoke", n, "mo", "/regress revoke all", uid=700)
    assert hub.completed("shop/revoke", head, count=3)["conclusion"] == "action_required"
    hub.comment("shop/revoke", n, "rita", "/regress recheck")
    assert hub.completed("shop/revoke", head, count=4)["conclusion"] == "action_required"
    # A reason is required (the default), and an unknown command gets the usage.
    hub.comment("shop/revoke", n, "wendy", "/regress approve all")
    hub.comment("shop/revoke", n, "wendy", "/regress approve deadbeefdeadbeef because")
    hub.comment("shop/revoke", n, "wendy", "/regress lgtm")

    def replies() -> list[str] | None:
        found = [c["body"] for c in fake.comments_on("shop/revoke", n, bot=True) if c["body"].startswith("@")]
        return sorted(found) if len(found) == 3 else None

    bodies = wait_until(replies, what="three replies")
    assert bodies[0] == "@wendy approval refused: give a reason: `/regress approve <fingerprint…|all> <reason>`."
    assert bodies[1] == "@wendy approval refused: no unapproved finding has the fingerprint `deadbeefdeadbeef`."
    assert bodies[2].startswith("@wendy unknown command `lgtm`; use `/regress approve")
    assert fake.errors == []


def test_merge_group_is_checked_with_the_queued_prs_approvals(env: tuple[FakeGitHub, Process, Hub]) -> None:
    from tests.fakegithub import payloads
    from tests.webhooks.harness import INSTALLATION

    fake, _, hub = env
    base = hub.repo("shop/queue", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/queue", {"deploy/checkout.yaml": deploy(replicas=3)}, base, "cut")
    n = hub.open_pr("shop/queue", head, base, author="alice")
    hub.completed("shop/queue", head)
    hub.comment("shop/queue", n, "wendy", "/regress approve all seasonal traffic is over")
    assert hub.completed("shop/queue", head, count=2)["conclusion"] == "success"
    # GitHub builds the queue commit on top of main: same tree change, new commit.
    group = hub.commit(
        "shop/queue", {"deploy/checkout.yaml": deploy(replicas=3)}, base, f"gh-readonly-queue/main/pr-{n}"
    )
    event = payloads.merge_group_event(
        group,
        base,
        f"refs/heads/gh-readonly-queue/main/pr-{n}-{base}",
        fake.repo_json("shop/queue"),
        INSTALLATION,
        payloads.user("wendy", 600),
    )
    assert hub.deliver("merge_group", event).status_code == 202
    run = hub.completed("shop/queue", group)
    assert run["conclusion"] == "success"
    assert run["output"]["title"] == "All 1 finding approved"
    # A queue commit that carries a weakening nobody approved blocks the queue.
    bad = hub.commit(
        "shop/queue", {"deploy/checkout.yaml": deploy(replicas=3, probe=False)}, base, "gh-readonly-queue/main/pr-99"
    )
    event = payloads.merge_group_event(
        bad,
        base,
        f"refs/heads/gh-readonly-queue/main/pr-99-{base}",
        fake.repo_json("shop/queue"),
        INSTALLATION,
        payloads.user("wendy", 600),
    )
    assert hub.deliver("merge_group", event).status_code == 202
    run = hub.completed("shop/queue", bad)
    assert run["conclusion"] == "action_required"
    assert run["actions"] == []  # no PR to approve on: approvals happen on the PR


def test_github_failures_are_retried(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    base = hub.repo("shop/flaky", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/flaky", {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    fake.fail("POST", r"/repos/shop/flaky/check-runs$", 502, times=2)
    fake.fail("PATCH", r"/repos/shop/flaky/check-runs/", 429, times=1, headers={"Retry-After": "1"})
    fake.fail(
        "POST",
        r"/repos/shop/flaky/issues/\d+/comments$",
        403,
        times=1,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 1)},
        message="API rate limit exceeded",
    )
    n = hub.open_pr("shop/flaky", head, base)
    run = hub.completed("shop/flaky", head)
    assert run["conclusion"] == "action_required"
    assert len(fake.runs_for("shop/flaky", head)) == 1
    wait_until(lambda: fake.comments_on("shop/flaky", n, bot=True), what="the comment")
    statuses = [s for m, p, s in fake.requests if "/repos/shop/flaky/" in p and not p.startswith("/git")]
    assert statuses.count(502) == 2 and statuses.count(429) == 1 and statuses.count(403) == 1


def test_logs_are_json_with_delivery_ids_and_no_tokens(env: tuple[FakeGitHub, Process, Hub]) -> None:
    import json

    fake, proc, _ = env
    lines = [json.loads(line) for line in proc.logs().splitlines() if line.startswith("{")]
    assert any(line.get("delivery_id") and line["message"].startswith("delivery ") for line in lines)
    text = proc.logs()
    assert fake.tokens, "the App fetched installation tokens"
    for token in fake.tokens:
        assert token not in text
        assert token[:40] not in text
    assert fake.private_key.splitlines()[1] not in text
    # git saw the token only as a header, never in a URL.
    assert fake.git_auth_failures == 0


def test_large_report_fits_githubs_limits(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """120 findings: annotations go in batches of 50, the comment and summary stay under the limits,
    and the audit CLI lists the approval."""
    fake, _, hub = env
    names = [f"service-{i:03d}-" + "ü" * 40 for i in range(120)]
    files = {
        f"deploy/{i:03d}.yaml": deploy().replace("checkout, namespace", f"{n}, namespace") for i, n in enumerate(names)
    }
    base = hub.repo("shop/big", files, PEOPLE)
    head = hub.commit("shop/big", {k: v.replace("replicas: 4", "replicas: 1") for k, v in files.items()}, base, "cut")
    n = hub.open_pr("shop/big", head, base)
    run = hub.completed("shop/big", head, timeout=90)
    assert run["conclusion"] == "action_required"
    assert len(run["annotations"]) == 120
    assert len(run["output"]["summary"]) <= 65_535
    comment = wait_until(lambda: fake.comments_on("shop/big", n, bot=True), what="the comment")[0]
    assert len(comment["body"]) <= 65_536
    assert fake.errors == []
    # Re-publishing (an approval) sends no annotation twice.
    hub.comment("shop/big", n, "wendy", "/regress approve all decommissioning the region")
    run = hub.completed("shop/big", head, count=2, timeout=90)
    assert run["conclusion"] == "success"
    assert len(run["annotations"]) == 120


def test_approvals_audit_cli(env: tuple[FakeGitHub, Process, Hub]) -> None:
    import json
    import os
    import subprocess

    from tests.webhooks.harness import REGRESS

    _, _, hub = env
    env_vars = {k: v for k, v in os.environ.items() if not k.startswith("REGRESS_")}
    env_vars["REGRESS_DATA_DIR"] = str(hub.work.parent / "data")
    out = subprocess.run(
        [REGRESS, "approvals", "--repo", "shop/checkout", "--format", "json"],
        env=env_vars,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout)["approvals"]
    assert [(r["pr"], r["approver"], r["role"], r["source"], r["reason"], r["revoked"]) for r in rows] == [
        (1, "wendy", "write", "comment", "capacity plan PLAT-812", None)
    ]
    assert len(rows[0]["fingerprints"]) == 1 and len(rows[0]["head_sha"]) == 40
    out = subprocess.run(
        [REGRESS, "approvals", "--repo", "shop/revoke", "--pr", "1"],
        env=env_vars,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wendy (write) via comment" in out.stdout
    assert "[revoked " in out.stdout and "by mo]" in out.stdout
    assert "reason: batch job, runs once a day" in out.stdout


def _metrics(hub: Hub) -> dict[str, float]:
    import httpx

    text = httpx.get(hub.app_url + "/metrics").text
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("regress_") and " " in line
    }


def test_metrics_count_deliveries_analyses_github_calls_and_findings(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """The counters move by what this test does (the module's other tests ran before or not)."""
    fake, _, hub = env
    before = _metrics(hub)
    base = hub.repo("shop/metrics", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/metrics", {"deploy/checkout.yaml": deploy(replicas=2)}, base, "cut")
    fake.fail("POST", r"/repos/shop/metrics/check-runs$", 502, times=2)
    fake.open_pull("shop/metrics", 1, head, base, "alice", 501)
    payload = hub.pr_payload("opened", "shop/metrics", 1)
    assert hub.deliver("pull_request", payload, delivery_id="metrics-1").status_code == 202
    assert hub.deliver("pull_request", payload, delivery_id="metrics-1").status_code == 200
    assert hub.deliver("pull_request", payload, delivery_id="metrics-2", secret="not the secret").status_code == 401
    assert hub.completed("shop/metrics", head)["conclusion"] == "action_required"
    hub.comment("shop/metrics", 1, "wendy", "/regress approve all capacity plan PLAT-813", uid=503)
    assert hub.completed("shop/metrics", head, count=2)["conclusion"] == "success"

    after = _metrics(hub)

    def grew(name: str) -> float:
        return after.get(name, 0.0) - before.get(name, 0.0)

    assert grew('regress_deliveries_total{event="pull_request",outcome="accepted"}') == 1
    assert grew('regress_deliveries_total{event="pull_request",outcome="duplicate"}') == 1
    assert grew('regress_deliveries_total{event="pull_request",outcome="bad_signature"}') == 1
    assert grew('regress_deliveries_total{event="issue_comment",outcome="accepted"}') == 1
    assert grew('regress_github_api_calls_total{status="502"}') == 2
    assert grew('regress_github_api_calls_total{status="201"}') > 0
    assert grew("regress_analysis_duration_seconds_count") >= 1
    assert grew('regress_findings_total{approved="false",category="reliability"}') > 0
    assert grew('regress_findings_total{approved="true",category="reliability"}') > 0
    assert grew('regress_analyses_total{conclusion="success"}') > 0


def test_an_analysis_whose_workers_keep_dying_is_given_up_and_reported(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """Simulated by a work row already claimed MAX_ATTEMPTS times (each claim counts one)."""
    import sqlite3

    from regress.webhooks.settings import MAX_ATTEMPTS
    from tests.webhooks.harness import delivery_state

    fake, _, hub = env
    data = hub.work.parent / "data"
    base = hub.repo("shop/poison", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit("shop/poison", {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    fake.open_pull("shop/poison", 1, head, base, "alice", 501)
    with sqlite3.connect(data / "regress.db", timeout=30) as db:
        repo_id = fake.repos["shop/poison"].id
        db.execute(
            "INSERT INTO work (key, repo_id, repo, installation_id, clone_url, pr_number, head_sha, base_sha, ref,"
            " requested, done, done_head, attempts, not_before, updated) VALUES (?, ?, 'shop/poison', 77, ?, 1, ?, ?,"
            " '', 1, 0, '', ?, 0, 0)",
            (f"{repo_id}:pr:1", repo_id, fake.repo_json("shop/poison")["clone_url"], head, base, MAX_ATTEMPTS),
        )
    r = hub.deliver("pull_request", hub.pr_payload("opened", "shop/poison", 1), delivery_id="poison-1")
    assert r.status_code == 202
    wait_until(lambda: delivery_state(data, "poison-1") == "done", what="the delivery")
    run = hub.completed("shop/poison", head)
    assert run["conclusion"] == "failure"
    assert "gave up after 5 attempts; use Re-run to try again" in run["output"]["summary"]
