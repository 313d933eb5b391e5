"""``approvals:`` in ``.regress.yml``: the App's approver policy per category, and its validation."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from regress.config import ApproverPolicy, Config, parse
from regress.errors import InputError
from tests.gitrepo import two_commits
from tests.test_cli_end_to_end import assert_input_error, deployment, run


def test_category_policies_override_the_defaults_key_by_key() -> None:
    config = parse(
        b"""\
approvals:
  permission: maintain
  count: 2
  categories:
    security: {permission: admin, teams: [acme/security], count: 3}
    reliability: {teams: [acme/sre, acme/on-call]}
""",
        ".regress.yml",
    )
    assert config.approver_policy("security") == ApproverPolicy("admin", ("acme/security",), 3)
    assert config.approver_policy("reliability") == ApproverPolicy("maintain", ("acme/sre", "acme/on-call"), 2)
    assert config.approver_policy("tests") == ApproverPolicy("maintain", (), 2)


def test_defaults_are_one_writer() -> None:
    assert Config().approver_policy("monitoring") == ApproverPolicy("write", (), 1)
    assert Config().approving_reviews is False
    assert parse(b"approvals:\n  approving-reviews: true\n", ".regress.yml").approving_reviews is True
    config = parse(b"approvals:\n  teams: [acme/reviewers]\n  categories:\n    tests: {teams: []}\n", ".regress.yml")
    assert config.approver_policy("security") == ApproverPolicy("write", ("acme/reviewers",), 1)
    # An empty list lifts the default's team requirement for that category.
    assert config.approver_policy("tests") == ApproverPolicy("write", (), 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "approvals:\n  categories:\n    secrity: {count: 2}\n",
            "invalid config .regress.yml:3: approvals.categories: unknown category 'secrity' "
            "(allowed: tests, security, monitoring, reliability)",
        ),
        (
            "approvals:\n  categories:\n    security: {count: 0}\n",
            "invalid config .regress.yml:3: approvals.categories.security.count: 0 is less than the minimum of 1",
        ),
        (
            "approvals:\n  count: true\n",
            "invalid config .regress.yml:2: approvals.count: True is not of type 'integer'",
        ),
        (
            "approvals:\n  categories:\n    security: {teams: [security]}\n",
            "invalid config .regress.yml:3: approvals.categories.security.teams.0: 'security' is not a team: "
            "write it as org/team-slug",
        ),
        (
            "approvals:\n  categories:\n    security: {permission: triage}\n",
            "invalid config .regress.yml:3: approvals.categories.security.permission: 'triage' is not one of "
            "write, maintain, admin",
        ),
        (
            "approvals:\n  approving-reviews: yes please\n",
            "invalid config .regress.yml:2: approvals.approving-reviews: 'yes please' is not of type 'boolean'",
        ),
        (
            "approvals:\n  categories:\n    security: {approvers: [ada]}\n",
            "invalid config .regress.yml:3: approvals.categories.security: unknown key 'approvers' "
            "(allowed: count, permission, teams)",
        ),
    ],
)
def test_bad_policies_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse(text.encode(), ".regress.yml")
    assert str(err.value) == message


def test_a_bad_policy_on_the_base_side_exits_2(tmp_path: Path) -> None:
    bad = "approvals:\n  categories:\n    security: {count: -1}\n"
    repo, base, head = two_commits(
        tmp_path / "repo",
        {"web.yaml": deployment(5), ".regress.yml": bad},
        {"web.yaml": deployment(3), ".regress.yml": bad},
    )
    proc: subprocess.CompletedProcess[str] = run("diff", f"{base}..{head}", cwd=repo)
    assert_input_error(proc, ".regress.yml", ":3", "approvals.categories.security.count: -1 is less than the minimum")
