"""The App's approval policy end to end: `/regress` commands in PR reviews, per-category approvers
(permission, teams, count) from the base branch's `.regress.yml`, and how far a finding's approval
has come, through a real ``regress serve`` and the fake GitHub over loopback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakegithub import payloads
from tests.fakegithub.server import FakeGitHub
from tests.webhooks.harness import INSTALLATION, REGRESS, Hub, Process, start_serve, wait_until
from tests.webhooks.test_app_e2e import deploy

POLICY = """\
approvals:
  categories:
    security: {permission: admin, teams: [shop/security], count: 2}
    reliability: {teams: [shop/sre, shop/oncall]}
"""
PEOPLE = {
    "alice": "write",
    "wendy": "write",
    "rita": "read",
    "mo": "maintain",
    "ada": "admin",
    "sam": "admin",
    "pat": "admin",
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeGitHub, Process, Hub]]:
    root = tmp_path_factory.mktemp("policy")
    fake = FakeGitHub(root / "github").start()
    fake.teams = {
        "shop/security": {"ada": "active", "sam": "active", "pat": "pending"},
        "shop/oncall": {"wendy": "active"},
        "shop/secops": {"ada": "active"},
    }
    proc, url = start_serve(fake, root / "data", root / "serve.log")
    hub = Hub(fake, url, root / "work")
    try:
        yield fake, proc, hub
    finally:
        proc.stop()
        fake.stop()


def fingerprints(run: dict[str, Any]) -> dict[str, str]:
    """{rule name: fingerprint} from a check run's annotations."""
    out = {}
    for a in run["annotations"]:
        fp = re.search(r"Fingerprint: ([0-9a-f]{16})", a["message"])
        assert fp is not None
        out[a["title"].split(" ")[0]] = fp.group(1)
    return out


def replies(fake: FakeGitHub, repo: str, n: int, count: int) -> list[str]:
    """The first ``count`` replies to commands (bot comments other than the report), oldest first."""

    def found() -> list[str] | None:
        bodies = [c["body"] for c in fake.comments_on(repo, n, bot=True) if "regress:report" not in c["body"]]
        return bodies if len(bodies) >= count else None

    return wait_until(found, what=f"{count} replies")  # type: ignore[no-any-return]


def concluded(fake: FakeGitHub, repo: str, head: str, conclusion: str) -> dict[str, Any]:
    """The head's check run once its latest conclusion is ``conclusion``."""

    def done() -> dict[str, Any] | None:
        runs = fake.runs_for(repo, head)
        run = runs[0] if runs else None
        return run if run and run["status"] == "completed" and run.get("conclusion") == conclusion else None

    return wait_until(done, what=f"a check run concluding {conclusion}")  # type: ignore[no-any-return]


def audit(hub: Hub, repo: str) -> list[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGRESS_")}
    env["REGRESS_DATA_DIR"] = str(hub.work.parent / "data")
    out = subprocess.run(
        [REGRESS, "approvals", "--repo", repo, "--format", "json"], env=env, capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout)["approvals"])


def test_commands_in_reviews_are_taken_like_comments(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    base = hub.repo("shop/reviews", {"deploy/checkout.yaml": deploy()}, PEOPLE)
    old = hub.commit("shop/reviews", {"deploy/checkout.yaml": deploy(replicas=3)}, base, "cut")
    head = hub.commit("shop/reviews", {"deploy/checkout.yaml": deploy(replicas=2)}, old, "cut")
    n = hub.open_pr("shop/reviews", head, base, author="alice")
    fp = fingerprints(hub.completed("shop/reviews", head))["replicas-reduced"]

    # A review without a command, and a review with one on a commit that is not the head.
    assert hub.review("shop/reviews", n, "wendy", None, uid=503, state="approved").status_code == 202
    hub.review("shop/reviews", n, "wendy", f"/regress approve {fp} capacity plan PLAT-812", uid=503, commit_id=old)
    # A reader's review: refused like a reader's comment.
    hub.review("shop/reviews", n, "rita", "/regress approve all fine", uid=502)
    # A payload that does not say which commit was reviewed approves nothing either.
    review = fake.user_review("shop/reviews", n, "mo", 700, f"/regress approve {fp} fine", head, "commented")
    payload = payloads.pull_request_review_event(
        review,
        fake.pulls[("shop/reviews", n)],
        fake.repo_json("shop/reviews"),
        fake.repo_json("shop/reviews"),
        INSTALLATION,
        payloads.user("mo", 700),
    )
    del payload["review"]["commit_id"]
    assert hub.deliver("pull_request_review", payload).status_code == 202
    bodies = replies(fake, "shop/reviews", n, 3)
    assert sorted(bodies) == [
        "@mo approval refused: this review was submitted on commit (not given), not on the pull request's head "
        f"{head[:12]}; approve in a review of the current head, or in a comment.",
        "@rita approval refused: approving needs the write permission on this repository; you have read.",
        f"@wendy approval refused: this review was submitted on commit {old[:12]}, not on the pull request's head "
        f"{head[:12]}; approve in a review of the current head, or in a comment.",
    ]
    assert fake.runs_for("shop/reviews", head)[0]["conclusion"] == "action_required"

    # The same command in a review of the head approves, with the review as the reference.
    assert (
        hub.review(
            "shop/reviews", n, "wendy", f"Looks right.\n\n/regress approve {fp} capacity plan PLAT-812", uid=503
        ).status_code
        == 202
    )
    run = hub.completed("shop/reviews", head, count=2)
    assert run["conclusion"] == "success"
    assert "| @wendy (write) | review |" in run["output"]["text"]
    review_url = max(fake.reviews.values(), key=lambda r: r["id"])["html_url"]
    rows = audit(hub, "shop/reviews")
    assert [(r["approver"], r["source"], r["source_ref"], r["fingerprints"]) for r in rows] == [
        ("wendy", "review", review_url, [fp])
    ]
    # No reaction (reviews have none), and nothing more said: an accepted command needs no reply.
    assert fake.reactions == []
    assert len(replies(fake, "shop/reviews", n, 3)) == 3

    # Revoke and recheck work in reviews too.
    hub.review("shop/reviews", n, "mo", "/regress revoke all", uid=700)
    assert hub.completed("shop/reviews", head, count=3)["conclusion"] == "action_required"
    hub.review("shop/reviews", n, "mo", "/regress recheck", uid=700)
    assert hub.completed("shop/reviews", head, count=4)["conclusion"] == "action_required"
    time.sleep(0.5)
    assert len(replies(fake, "shop/reviews", n, 3)) == 3
    assert fake.errors == []


def test_category_policies_permission_teams_and_count(env: tuple[FakeGitHub, Process, Hub]) -> None:
    fake, _, hub = env
    repo = "shop/policy"
    base = hub.repo(repo, {"deploy/checkout.yaml": deploy(), ".regress.yml": POLICY}, PEOPLE)
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=2, privileged=True)}, base, "cut")
    n = hub.open_pr(repo, head, base, author="alice")
    run = hub.completed(repo, head)
    assert run["output"]["title"] == "2 unapproved violations"
    fps = fingerprints(run)
    sec, rel = fps["privileged-container"], fps["replicas-reduced"]

    # wendy (write, on-call) meets the reliability policy only: `all` approves that one, and the
    # reply says which finding was left and why.
    hub.comment(repo, n, "wendy", "/regress approve all planned capacity cut", uid=503)
    assert replies(fake, repo, n, 1) == [
        f"@wendy approved 1 finding (`{rel}`); not approved: `{sec}` (security): approving security findings "
        "needs the admin permission on this repository; you have write."
    ]
    run = hub.completed(repo, head, count=2)
    assert run["output"]["title"] == "1 unapproved violation, 1 approved"

    # mo (maintain) is in no team; pat is an admin whose security membership is still pending.
    hub.comment(repo, n, "mo", f"/regress approve {sec} we need it", uid=700)
    hub.comment(repo, n, "pat", f"/regress approve {sec} we need it", uid=701)
    assert sorted(replies(fake, repo, n, 3)[1:]) == [
        f"@mo approval refused: `{sec}` (security): approving security findings needs the admin permission "
        "on this repository; you have maintain.",
        f"@pat approval refused: `{sec}` (security): approving security findings needs an active member of "
        "shop/security.",
    ]

    # ada (admin, security): one of the two approvals the security policy asks for.
    hub.comment(repo, n, "ada", f"/regress approve {sec} the node agent needs host access, SEC-91", uid=702)
    run = hub.completed(repo, head, count=3)
    assert run["conclusion"] == "action_required"
    assert run["output"]["title"] == "1 unapproved violation, 1 approved"
    assert "**critical**, 1 of 2 approvals (ada)" in run["output"]["summary"]

    def comment_shows(text: str) -> bool:
        return any(text in c["body"] for c in fake.comments_on(repo, n, bot=True) if "regress:report" in c["body"])

    wait_until(lambda: comment_shows("1 of 2 approvals (ada)"), what="the comment to show the tally")
    # The same person never counts twice.
    hub.comment(repo, n, "ada", f"/regress approve {sec} still needed", uid=702)
    assert replies(fake, repo, n, 4)[3] == (
        f"@ada approval refused: `{sec}` (security): you have approved it already; security findings need "
        "approvals by 2 different people."
    )

    # sam (admin, security) is the second: approved, by both, with both reasons.
    hub.comment(repo, n, "sam", f"/regress approve {sec} agreed, SEC-91", uid=703)
    run = hub.completed(repo, head, count=4)
    assert run["conclusion"] == "success"
    assert run["output"]["title"] == "All 2 findings approved"
    assert "approved by ada, sam: the node agent needs host access, SEC-91 / agreed, SEC-91" in run["output"]["summary"]
    wait_until(lambda: comment_shows("approved by ada, sam"), what="the comment to show both approvers")
    assert [(r["approver"], r["fingerprints"]) for r in audit(hub, repo)] == [
        ("wendy", [rel]),
        ("ada", [sec]),
        ("sam", [sec]),
    ]

    # A revoke takes the finding's approvals away (everyone's, as for any finding).
    hub.comment(repo, n, "ada", f"/regress revoke {sec}", uid=702)
    run = hub.completed(repo, head, count=5)
    assert run["conclusion"] == "action_required"
    assert run["output"]["title"] == "1 unapproved violation, 1 approved"
    assert "of 2 approvals" not in run["output"]["summary"]
    assert fake.errors == []


def test_team_policies_refuse_without_the_members_permission(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """An installation that was not granted Members read cannot check teams: refused, never passed."""
    fake, _, hub = env
    repo = "shop/nomembers"
    base = hub.repo(repo, {"deploy/checkout.yaml": deploy(), ".regress.yml": POLICY}, PEOPLE)
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    n = hub.open_pr(repo, head, base, author="alice")
    rel = fingerprints(hub.completed(repo, head))["replicas-reduced"]
    fake.without_members.add(INSTALLATION)
    try:
        hub.comment(repo, n, "wendy", "/regress approve all planned capacity cut", uid=503)
        assert replies(fake, repo, n, 1) == [
            f"@wendy approval refused: `{rel}` (reliability): approving reliability findings needs an active member "
            "of shop/sre or shop/oncall; regress cannot read the members of shop/sre, shop/oncall (the App needs the "
            "organization's Members read permission)."
        ]
    finally:
        fake.without_members.discard(INSTALLATION)
    assert fake.runs_for(repo, head)[0]["conclusion"] == "action_required"
    statuses = [s for m, p, s in fake.requests if "/orgs/shop/teams/" in p and p.endswith("/wendy")]
    assert 403 in statuses


def test_an_unreadable_policy_refuses_approvals_and_applies_none(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """The base branch's policy broken after the PR was opened: approving under the defaults
    (writers, one approval) would skip the teams and counts it asks for, so approvals wait."""
    fake, _, hub = env
    repo = "shop/brokenpolicy"
    base = hub.repo(repo, {"deploy/checkout.yaml": deploy(), ".regress.yml": POLICY}, PEOPLE)
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    n = hub.open_pr(repo, head, base, author="alice")
    rel = fingerprints(hub.completed(repo, head))["replicas-reduced"]
    hub.comment(repo, n, "wendy", f"/regress approve {rel} planned capacity cut", uid=503)
    approved = wait_until(
        lambda: next((r for r in fake.runs_for(repo, head) if r.get("conclusion") == "success"), None),
        what="the approval applied",
    )
    assert approved["conclusion"] == "success"

    broken = hub.commit(repo, {".regress.yml": "approvals:\n  permission: sometimes\n"}, base, "main")
    fake.pulls[(repo, n)]["base_sha"] = broken
    again = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=1) + "# again\n"}, head, "cut")
    hub.push_pr(repo, n, again)
    run = hub.completed(repo, again)
    # Wendy's approval still matches the finding, but the policy it must meet cannot be read.
    assert run["conclusion"] == "action_required"
    assert f"approvals not applied: the approval policy (.regress.yml at the base commit {broken[:12]})" in (
        run["output"]["summary"] + run["output"].get("text", "")
    )
    hub.comment(repo, n, "ada", f"/regress approve {rel} planned capacity cut", uid=504)
    reply = replies(fake, repo, n, 1)[0]
    assert reply.startswith(
        f"@ada approval refused: the approval policy (.regress.yml at the base commit {broken[:12]}) cannot be read: "
    ), reply


def test_a_dismissed_review_takes_its_approvals_back(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """Whoever dismisses a review (a maintainer, or branch protection on a push) no longer stands
    behind it: the approvals given in it are revoked; other approvals stay."""
    fake, _, hub = env
    repo = "shop/dismissed"
    base = hub.repo(
        repo, {"deploy/checkout.yaml": deploy(), "deploy/cart.yaml": deploy().replace("checkout", "cart")}, PEOPLE
    )
    head = hub.commit(
        repo,
        {
            "deploy/checkout.yaml": deploy(replicas=1),
            "deploy/cart.yaml": deploy(replicas=2).replace("checkout", "cart"),
        },
        base,
        "cut",
    )
    n = hub.open_pr(repo, head, base, author="alice")
    run = hub.completed(repo, head)
    fps = sorted(re.findall(r"Fingerprint: ([0-9a-f]{16})", " ".join(a["message"] for a in run["annotations"])))
    assert len(fps) == 2
    hub.review(repo, n, "wendy", f"/regress approve {fps[0]} planned capacity cut", uid=503)
    hub.comment(repo, n, "mo", f"/regress approve {fps[1]} cart is idle", uid=700)
    # Two approvals close together may be published by one analysis or by two: wait for the state.
    concluded(fake, repo, head, "success")
    review = max(fake.reviews.values(), key=lambda r: r["id"])

    # A review that approved nothing: ignored.
    quiet = fake.user_review(repo, n, "rita", 502, "LGTM", head, "approved")
    pr = fake.pulls[(repo, n)]
    quiet_payload = payloads.pull_request_review_event(
        quiet, pr, fake.repo_json(repo), fake.repo_json(repo), INSTALLATION, payloads.user("ada", 504), "dismissed"
    )
    assert hub.deliver("pull_request_review", quiet_payload).status_code == 202

    payload = payloads.pull_request_review_event(
        {**review, "state": "dismissed", "body": None},
        pr,
        fake.repo_json(repo),
        fake.repo_json(repo),
        INSTALLATION,
        payloads.user("ada", 504),
        "dismissed",
    )
    assert hub.deliver("pull_request_review", payload).status_code == 202
    concluded(fake, repo, head, "action_required")
    rows = {r["source"]: r for r in audit(hub, repo)}
    assert (rows["review"]["approver"], rows["review"]["revoked_by"]) == ("wendy", "ada")
    assert (rows["comment"]["approver"], rows["comment"]["revoked_by"]) == ("mo", None)
    assert fake.errors == []


def test_approving_reviews_approve_where_the_base_branch_turns_them_on(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """``approvals.approving-reviews: true``: a review submitted as Approve on the head approves
    what its reviewer may approve, with the review's text as the reason. Off by default."""
    fake, _, hub = env
    on = "shop/approving-on"
    base = hub.repo(
        on, {"deploy/checkout.yaml": deploy(), ".regress.yml": "approvals:\n  approving-reviews: true\n"}, PEOPLE
    )
    head = hub.commit(on, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    n = hub.open_pr(on, head, base, author="alice")
    fp = fingerprints(hub.completed(on, head))["replicas-reduced"]
    # A comment-only review approves nothing; a reader's Approve is refused with the reason.
    assert hub.review(on, n, "wendy", "Looks fine.", uid=503, state="commented").status_code == 202
    hub.review(on, n, "rita", "", uid=502, state="approved")
    assert replies(fake, on, n, 1) == [
        "@rita approval refused: approving needs the write permission on this repository; you have read."
    ]
    hub.review(on, n, "wendy", "Capacity plan PLAT-812 covers the cut.", uid=503, state="approved")
    concluded(fake, on, head, "success")
    rows = audit(hub, on)
    assert [(r["approver"], r["source"], r["reason"], r["fingerprints"]) for r in rows] == [
        ("wendy", "review", "Capacity plan PLAT-812 covers the cut.", [fp])
    ]

    off = "shop/approving-off"
    base = hub.repo(off, {"deploy/checkout.yaml": deploy()}, PEOPLE)
    head = hub.commit(off, {"deploy/checkout.yaml": deploy(replicas=1)}, base, "cut")
    n = hub.open_pr(off, head, base, author="alice")
    hub.completed(off, head)
    hub.review(off, n, "wendy", "LGTM", uid=503, state="approved")
    time.sleep(1.0)
    assert audit(hub, off) == []
    assert fake.runs_for(off, head)[0]["conclusion"] == "action_required"
    assert [c for c in fake.comments_on(off, n, bot=True) if "regress:report" not in c["body"]] == []
    assert fake.errors == []


STRICT = """\
approvals:
  categories:
    security: {permission: admin, teams: [shop/secops]}
"""
STRICTER = STRICT + "    reliability: {teams: [shop/sre]}\n"


def test_a_policy_made_stricter_rechecks_the_approvals_given(env: tuple[FakeGitHub, Process, Hub]) -> None:
    """Every analysis checks the approvers again against the base branch's policy of the time: one
    who no longer meets it does not count and the finding says why; the approval is kept, and
    counts again when the policy is relaxed. One permission look-up per approver per analysis."""
    fake, _, hub = env
    repo = "shop/stricter"
    base = hub.repo(repo, {"deploy/checkout.yaml": deploy(), ".regress.yml": STRICT}, PEOPLE)
    head = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=2, privileged=True)}, base, "cut")
    n = hub.open_pr(repo, head, base, author="alice")
    fps = fingerprints(hub.completed(repo, head))
    sec, rel = fps["privileged-container"], fps["replicas-reduced"]
    hub.comment(repo, n, "ada", "/regress approve all the node agent needs host access, SEC-91", uid=504)
    assert hub.completed(repo, head, count=2)["conclusion"] == "success"
    given = audit(hub, repo)
    assert [(r["approver"], r["fingerprints"], r["revoked"]) for r in given] == [("ada", sorted([sec, rel]), None)]

    # ada leaves the security team: her approval of the security finding no longer counts.
    fake.teams["shop/secops"] = {}
    before = len(fake.requests)
    hub.comment(repo, n, "mo", "/regress recheck", uid=700)
    run = hub.completed(repo, head, count=3)
    assert run["conclusion"] == "action_required"
    assert run["output"]["title"] == "1 unapproved violation, 1 approved"
    lapsed = "approval by @ada no longer meets the security policy: team shop/secops"
    # Markdown cells write @ as &#64; (shown as @, without notifying anyone).
    assert f"**critical**, {lapsed.replace('@', '&#64;')}" in run["output"]["summary"]
    shown = lapsed.replace("@", "&#64;")
    wait_until(
        lambda: any(shown in c["body"] for c in fake.comments_on(repo, n, bot=True) if "regress:report" in c["body"]),
        what="the comment to say why",
    )
    asked = [p for _, p, _ in fake.requests[before:]]
    assert asked.count(f"/api/repos/{repo}/collaborators/ada/permission") == 1
    assert asked.count("/api/orgs/shop/teams/secops/memberships/ada") == 1
    assert "| active, no longer meets the security policy: team shop/secops |" in run["output"]["text"]
    # Nothing new in the audit trail: the approval is kept as it was.
    assert audit(hub, repo) == given

    # Back in the team: the same approval counts again.
    fake.teams["shop/secops"] = {"ada": "active"}
    hub.comment(repo, n, "mo", "/regress recheck", uid=700)
    assert hub.completed(repo, head, count=4)["conclusion"] == "success"

    # The base branch asks more of reliability approvers; and ada is made a writer.
    stricter = hub.commit(repo, {".regress.yml": STRICTER}, base, "main")
    fake.pulls[(repo, n)]["base_sha"] = stricter
    fake.repos[repo].collaborators["ada"] = "write"
    newer = hub.commit(repo, {"deploy/checkout.yaml": deploy(replicas=2, privileged=True) + "# again\n"}, head, "cut")
    hub.push_pr(repo, n, newer)
    run = hub.completed(repo, newer)
    assert run["output"]["title"] == "2 unapproved violations"
    summary = run["output"]["summary"].replace("&#64;", "@")
    assert "approval by @ada no longer meets the security policy: the admin permission (has write)" in summary
    assert "approval by @ada no longer meets the reliability policy: team shop/sre" in summary
    assert audit(hub, repo) == given
    assert fake.errors == []
