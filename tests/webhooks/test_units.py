"""Unit tests of the service's pure parts: signatures, redaction, commands, settings, approvals."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from githubkit.exception import PrimaryRateLimitExceeded, RequestFailed, SecondaryRateLimitExceeded

from regress.config import ApproverPolicy, Config
from regress.engine import Report, SideInfo
from regress.findings import Approval, Category, Finding, Severity
from regress.model import Location
from regress.webhooks import approving, commands, logs, signature
from regress.webhooks.commands import Command, Verb
from regress.webhooks.github import Membership, Permission, RetryPolicy
from regress.webhooks.settings import LogFormat, SettingsError, from_env
from regress.webhooks.store import StoredApproval


def test_signature_matches_githubs_documented_vector() -> None:
    # "Validating webhook deliveries": secret and payload from the docs, and the expected header.
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature.sign("It's a Secret to Everybody", b"Hello, World!") == expected
    assert signature.verify("It's a Secret to Everybody", b"Hello, World!", expected)
    assert not signature.verify("It's a Secret to Everybody", b"Hello, World?", expected)
    assert not signature.verify("another secret", b"Hello, World!", expected)
    assert not signature.verify("It's a Secret to Everybody", b"Hello, World!", None)
    assert not signature.verify("It's a Secret to Everybody", b"Hello, World!", "sha1=" + expected[7:])
    assert not signature.verify("", b"Hello, World!", signature.sign("", b"Hello, World!"))


LONG_TOKEN = "ghs_4242_" + "eyJhbGciOiJSUzI1NiJ9" + "." + "a-b_c" * 80 + "." + "Zz9" * 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"token {LONG_TOKEN} end", "token [redacted] end"),
        (f"url https://x-access-token:{LONG_TOKEN}@github.com/o/r.git", "url https://[redacted]github.com/o/r.git"),
        ("Authorization: Basic eC1hY2Nlc3MtdG9rZW46Z2hzXzEyMw==", "Authorization: Basic [redacted]"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789 and github_pat_11AB_cd", "[redacted] and [redacted]"),
        ("jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiI0MiJ9.c2ln done", "jwt [redacted] done"),
        ("the secret hunter2hunter2 leaked", "the secret [redacted] leaked"),
        ("nothing to hide in ghs_ alone", "nothing to hide in ghs_ alone"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert logs.redact(text, ["hunter2hunter2"]) == expected


def test_json_log_lines_carry_the_delivery_id_and_redact(capsys: pytest.CaptureFixture[str]) -> None:
    formatter = logs.RedactingFormatter(LogFormat.JSON, ["s3cr3t-value"])
    record = logging.LogRecord(
        "regress.test", logging.INFO, __file__, 1, "got %s with s3cr3t-value", (LONG_TOKEN,), None
    )
    token = logs.delivery_id.set("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    try:
        line = formatter.format(record)
    finally:
        logs.delivery_id.reset(token)
    import json

    assert json.loads(line) | {"time": "T"} == {
        "time": "T",
        "level": "info",
        "logger": "regress.test",
        "message": "got [redacted] with [redacted]",
        "delivery_id": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "/regress approve 5a618b5bdaf5e3d9 capacity plan PLAT-812",
            [Command(Verb.APPROVE, ("5a618b5bdaf5e3d9",), False, "capacity plan PLAT-812")],
        ),
        ("/regress approve all batch only", [Command(Verb.APPROVE, (), True, "batch only")]),
        (
            "thanks!\n/regress approve 5A618B5B 0123abcd both fine\n",
            [Command(Verb.APPROVE, ("5a618b5b", "0123abcd"), False, "both fine")],
        ),
        ("/regress revoke", [Command(Verb.REVOKE, (), True, "")]),
        ("/regress revoke 5a618b5b", [Command(Verb.REVOKE, ("5a618b5b",), False, "")]),
        ("/regress recheck", [Command(Verb.RECHECK)]),
        ("> /regress approve all quoted\n```\n/regress approve all in code\n```", []),
        ("please /regress approve all", []),
        ("/regressx approve all", []),
    ],
)
def test_commands(body: str, expected: list[Command]) -> None:
    assert commands.parse(body) == expected


def test_command_errors_say_how_to_use_it() -> None:
    [cmd] = commands.parse("/regress approve because I said so")
    assert cmd.verb is None
    assert cmd.error.startswith("name the findings to approve (fingerprints or `all`)")
    [cmd] = commands.parse("/regress")
    assert cmd.error.startswith("a command is missing")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("soon", "REGRESS_LEASE_SECONDS='soon' is not a number"),
        ("0", "REGRESS_LEASE_SECONDS must be positive"),
        ("-5", "REGRESS_LEASE_SECONDS must be positive"),
        ("nan", "REGRESS_LEASE_SECONDS must be positive"),
        ("inf", "REGRESS_LEASE_SECONDS must be positive"),
    ],
)
def test_settings_refuse_a_period_that_is_not_a_positive_number(value: str, message: str) -> None:
    env = {"REGRESS_WEBHOOK_SECRET": "s", "REGRESS_GITHUB_APP_ID": "1", "REGRESS_GITHUB_PRIVATE_KEY": "k"}
    with pytest.raises(SettingsError) as raised:
        from_env({**env, "REGRESS_LEASE_SECONDS": value})
    assert str(raised.value) == message


def test_settings_refuse_to_start_without_a_secret(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="REGRESS_WEBHOOK_SECRET is not set: refusing to start"):
        from_env({"REGRESS_GITHUB_APP_ID": "1", "REGRESS_GITHUB_PRIVATE_KEY": "k"})
    with pytest.raises(SettingsError, match="REGRESS_GITHUB_APP_ID and REGRESS_GITHUB_PRIVATE_KEY"):
        from_env({"REGRESS_WEBHOOK_SECRET": "s"})
    with pytest.raises(SettingsError, match="REGRESS_QUEUE_URL must be"):
        from_env(
            {
                "REGRESS_WEBHOOK_SECRET": "s",
                "REGRESS_GITHUB_APP_ID": "1",
                "REGRESS_GITHUB_PRIVATE_KEY": "k",
                "REGRESS_QUEUE_URL": "amqp://x",
            }
        )
    key = tmp_path / "app.pem"
    key.write_text("PEM")
    s = from_env(
        {
            "REGRESS_WEBHOOK_SECRET": "s",
            "REGRESS_GITHUB_APP_ID": "1",
            "REGRESS_GITHUB_PRIVATE_KEY_FILE": str(key),
            "REGRESS_DATA_DIR": str(tmp_path),
        }
    )
    assert (s.private_key, s.database_url, s.queue_url, s.api_url, s.embedded_queue) == (
        "PEM",
        f"sqlite:///{tmp_path}/regress.db",
        f"sqlite:///{tmp_path}/queue.db",
        "https://api.github.com",
        True,
    )


def test_cli_serve_refuses_without_a_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from regress.cli import main

    monkeypatch.delenv("REGRESS_WEBHOOK_SECRET", raising=False)
    assert main(["serve"]) == 2
    assert "REGRESS_WEBHOOK_SECRET is not set: refusing to start" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("permission", "level", "ok"),
    [
        (Permission("write", "maintain", {}), "maintain", True),
        (Permission("write", "write", {}), "maintain", False),
        (Permission("read", "triage", {}), "write", False),
        (Permission("admin", "admin", {}), "admin", True),
        (Permission("write", "deployer", {"push": True, "maintain": False}), "write", True),
        (Permission("write", "deployer", {"push": True, "maintain": False}), "maintain", False),
        (Permission("write", "custom", {}), "write", True),
        (Permission("none", "none", {}), "write", False),
    ],
)
def test_permission_levels(permission: Permission, level: str, ok: bool) -> None:
    assert permission.at_least(level) is ok


def test_refusals() -> None:
    writer = Permission("write", "write", {"push": True})
    assert approving.refusal(Config(), writer, "bob", "alice", approving=True) is None
    assert "author" in (approving.refusal(Config(), writer, "Alice", "alice", approving=True) or "")
    assert approving.refusal(Config(allow_author=True), writer, "alice", "alice", approving=True) is None
    assert approving.refusal(Config(), writer, "alice", "alice", approving=False) is None  # revoking is stricter
    assert approving.refusal(Config(approver_permission="admin"), writer, "bob", "alice", approving=True) == (
        "approving needs the admin permission on this repository; you have write"
    )


def test_targets_match_prefixes_of_unapproved_findings() -> None:
    report = {
        "findings": [
            {"fingerprint": "aaaa1111bbbb2222", "after": 2, "approved": False},
            {"fingerprint": "aaaa1111cccc3333", "after": None, "approved": False},
            {"fingerprint": "dddd4444eeee5555", "after": 1, "approved": True},
        ]
    }
    t = approving.targets(Command(Verb.APPROVE, ("aaaa1111bb", "aaaa1111", "dddd4444", "ffff0000"), False, "r"), report)
    assert t.covered == {"aaaa1111bbbb2222": approving.value_digest(2)}
    assert (t.unknown, t.ambiguous) == (("dddd4444", "ffff0000"), ("aaaa1111",))
    t = approving.targets(Command(Verb.APPROVE, (), True, "r"), report)
    assert sorted(t.covered) == ["aaaa1111bbbb2222", "aaaa1111cccc3333"]


class _Resp:
    def __init__(self, status: int, headers: dict[str, str], text: str = "") -> None:
        self.status_code = status
        self.headers = headers
        self.text = text


def test_retry_policy_honours_github_headers() -> None:
    policy = RetryPolicy(max_retries=3, base=1.0, max_wait=120.0)
    secondary = SecondaryRateLimitExceeded.__new__(SecondaryRateLimitExceeded)
    secondary.retry_after = dt.timedelta(seconds=30)
    assert policy(secondary, 0).retry_after == dt.timedelta(seconds=30)
    primary = PrimaryRateLimitExceeded.__new__(PrimaryRateLimitExceeded)
    primary.retry_after = dt.timedelta(seconds=3600)
    assert policy(primary, 0).do_retry is False  # too long to sleep in a job: rescheduled instead
    server = RequestFailed.__new__(RequestFailed)
    server.response = _Resp(502, {})  # type: ignore[assignment]
    assert [policy(server, n).retry_after for n in range(4)] == [
        dt.timedelta(seconds=1),
        dt.timedelta(seconds=2),
        dt.timedelta(seconds=4),
        None,
    ]
    missing = RequestFailed.__new__(RequestFailed)
    missing.response = _Resp(404, {})  # type: ignore[assignment]
    assert policy(missing, 0).do_retry is False
    abuse = RequestFailed.__new__(RequestFailed)
    abuse.response = _Resp(403, {}, '{"message": "You have exceeded a secondary rate limit"}')  # type: ignore[assignment]
    assert policy(abuse, 0).retry_after == dt.timedelta(seconds=60)


def _finding(fp: str, category: str, after: object) -> Finding:
    return Finding(
        code="K8S022",
        name="replicas-reduced",
        category=Category(category),
        severity=Severity.HIGH,
        message="replicas 4 → 2",
        fingerprint=fp,
        identity="kubernetes:apps/Deployment/shop/checkout",
        attr="spec.replicas",
        location=Location("deploy.yaml", 5),
        after=after,
    )


def _stored(i: int, approver: str, fps: dict[str, object], pr: int = 1, revoked: float | None = None) -> StoredApproval:
    return StoredApproval(
        id=i,
        repo="shop/checkout",
        pr_number=pr,
        fingerprints={fp: approving.value_digest(v) for fp, v in fps.items()},
        approver=approver,
        role="admin",
        reason=f"reason {i}",
        source="comment",
        source_ref=f"https://github.invalid/c/{i}",
        head_sha="a" * 40,
        base_sha="b" * 40,
        created=float(i),
        revoked=revoked,
        revoked_by="x" if revoked else None,
    )


def test_apply_counts_distinct_approvers_per_category_policy() -> None:
    config = Config(category_approvals={"security": {"count": 2}})
    report = Report(
        SideInfo("base", "b"),
        SideInfo("head", "h"),
        [_finding("5ec0000000000001", "security", True), _finding("7e1a000000000002", "reliability", 2)],
        [],
    )
    sec, rel = "5ec0000000000001", "7e1a000000000002"
    # ada twice (counts once), alice is the PR's author, bob's approval was revoked, and carl saw
    # another value: the security finding has one approval of the two it needs.
    approvals = [
        _stored(1, "ada", {sec: True, rel: 2}),
        _stored(2, "Ada", {sec: True}),
        _stored(3, "alice", {sec: True}),
        _stored(4, "bob", {sec: True}, revoked=5.0),
        _stored(5, "carl", {sec: False}),
    ]
    applied = approving.apply(report, approvals, config, {1: "alice"})
    by_fp = {f.fingerprint: f for f in applied.report.findings}
    assert not by_fp[sec].approved
    # alice's approval is stored (allow-author was on when she gave it): it no longer counts, and
    # the finding says so.
    author = (
        "approval by @alice no longer counts: they are the pull request's author "
        "(the base branch's .regress.yml does not allow it)"
    )
    assert applied.tallies == {sec: approving.Tally(("ada",), 2, (author,))}
    assert approving.progress(applied.tallies) == {sec: f"1 of 2 approvals (ada); {author}"}
    assert by_fp[rel].approval == Approval("github comment", "reason 1", "ada", reference="https://github.invalid/c/1")
    assert applied.report.stats == {"approved": 1, "violations": 1}

    # A second person: approved by both, with both reasons; the author counts when allowed.
    applied = approving.apply(report, [*approvals, _stored(6, "dee", {sec: True})], config, {1: "alice"})
    assert applied.tallies == {}
    assert [f.approval for f in applied.report.findings if f.fingerprint == sec] == [
        Approval("github comment", "reason 1 / reason 6", "ada, dee", reference="https://github.invalid/c/1")
    ]
    allowed = replace(config, allow_author=True)
    assert approving.apply(report, approvals, allowed, {1: "alice"}).tallies == {}


def test_apply_rechecks_each_approver_once_against_the_policy_of_now() -> None:
    """An approver who no longer meets a category's policy does not count, the finding says why,
    and the approval is kept: the same approvals count again once the policy is relaxed."""
    report = Report(
        SideInfo("base", "b"),
        SideInfo("head", "h"),
        [
            _finding("5ec0000000000001", "security", True),
            _finding("5ec0000000000003", "security", "all"),
            _finding("7e1a000000000002", "reliability", 2),
        ],
        [],
    )
    sec, sec2, rel = "5ec0000000000001", "5ec0000000000003", "7e1a000000000002"
    approvals = [_stored(1, "ada", {sec: True, sec2: "all", rel: 2}), _stored(2, "ben", {rel: 2})]
    asked: list[tuple[str, str]] = []

    def standing(login: str, category: str) -> str | None:
        asked.append((login, category))
        return "team acme/security" if category == "security" else None

    applied = approving.apply(report, approvals, Config(), {1: "alice"}, standing)
    lapsed = "approval by @ada no longer meets the security policy: team acme/security"
    assert applied.tallies == {
        sec: approving.Tally((), 1, (lapsed,)),
        sec2: approving.Tally((), 1, (lapsed,)),
    }
    assert approving.progress(applied.tallies) == {sec: lapsed, sec2: lapsed}
    assert [f.fingerprint for f in applied.report.findings if f.approved] == [rel]
    # One question per approver and category, however many findings they approved.
    assert asked == [("ada", "security"), ("ada", "reliability"), ("ben", "reliability")]
    # Relaxed again: the same stored approvals count.
    relaxed = approving.apply(report, approvals, Config(), {1: "alice"}, lambda login, category: None)
    assert relaxed.tallies == {}
    assert all(f.approved for f in relaxed.report.findings)


def test_policy_shortfall_names_what_an_approver_no_longer_meets() -> None:
    writer = Permission("write", "write", {"push": True, "maintain": False, "admin": False})
    admin = Permission("admin", "admin", {"admin": True, "maintain": True, "push": True})
    asked: list[str] = []

    def membership(state: dict[str, Membership]) -> Callable[[str], Membership]:
        def look(team: str) -> Membership:
            asked.append(team)
            return state.get(team, Membership.NOT_MEMBER)

        return look

    policy = ApproverPolicy("admin", ("acme/security", "acme/sre"), 1)
    assert approving.policy_shortfall(policy, writer, membership({})) == "the admin permission (has write)"
    assert asked == []
    assert approving.policy_shortfall(policy, admin, membership({"acme/security": Membership.ACTIVE})) is None
    assert asked == ["acme/security"]  # stops at the first active membership
    assert approving.policy_shortfall(policy, admin, membership({})) == "team acme/security or acme/sre"
    assert approving.policy_shortfall(policy, admin, membership({"acme/sre": Membership.UNREADABLE})) == (
        "team acme/security or acme/sre (members of acme/sre unreadable: "
        "the App needs the organization's Members read permission)"
    )
    assert approving.policy_shortfall(ApproverPolicy(), writer, membership({})) is None


def test_policy_refusals_check_permission_then_teams() -> None:
    admin = Permission("admin", "admin", {"admin": True, "maintain": True, "push": True})
    policy = ApproverPolicy("admin", ("acme/security", "acme/sre"), 1)
    asked: list[str] = []

    def member_of(active: str | None, unreadable: tuple[str, ...] = ()) -> Callable[[str], Membership]:
        def membership(team: str) -> Membership:
            asked.append(team)
            if team == active:
                return Membership.ACTIVE
            return Membership.UNREADABLE if team in unreadable else Membership.NOT_MEMBER

        return membership

    writer = Permission("write", "write", {"push": True, "maintain": False, "admin": False})
    assert approving.policy_refusal("security", policy, writer, member_of("acme/security")) == (
        "approving security findings needs the admin permission on this repository; you have write"
    )
    assert asked == []  # no team look-up for someone the permission already rules out
    assert approving.policy_refusal("security", policy, admin, member_of("acme/sre")) is None
    assert approving.policy_refusal("security", policy, admin, member_of(None)) == (
        "approving security findings needs an active member of acme/security or acme/sre"
    )
    assert approving.policy_refusal("security", policy, admin, member_of(None, ("acme/sre",))) == (
        "approving security findings needs an active member of acme/security or acme/sre; regress cannot read "
        "the members of acme/sre (the App needs the organization's Members read permission)"
    )
    # Without teams, the permission alone decides.
    assert approving.policy_refusal("tests", ApproverPolicy(), writer, member_of(None)) is None


def test_the_least_permission_any_policy_asks_for_gates_every_command() -> None:
    config = Config(approver_permission="admin", category_approvals={"tests": {"permission": "maintain"}})
    assert approving.lowest_permission(config) == "maintain"
    maintainer = Permission("write", "maintain", {"push": True, "maintain": True, "admin": False})
    assert approving.refusal(config, maintainer, "bob", "alice", approving=True) is None
