"""Lenient readers for webhook payloads: only the fields the service uses, everything else ignored.

Strict models reject real deliveries (githubkit's rejected 26 of 69 documented examples, and
@octokit/webhooks-schemas 39 of 329: fields GitHub added or dropped over time), so a missing or
odd field here degrades to a default instead of failing the delivery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: (event, action) pairs the service acts on; ``None`` matches every action.
HANDLED: dict[str, frozenset[str] | None] = {
    "pull_request": frozenset({"opened", "synchronize", "reopened", "ready_for_review", "edited", "closed"}),
    "check_run": frozenset({"rerequested", "requested_action"}),
    "check_suite": frozenset({"rerequested"}),
    "issue_comment": frozenset({"created"}),
    "pull_request_review": frozenset({"submitted", "dismissed"}),
    "merge_group": frozenset({"checks_requested"}),
    "installation": None,
    "installation_repositories": frozenset({"added", "removed"}),
}


def handled(event: str, action: str | None) -> bool:
    if event not in HANDLED:
        return False
    actions = HANDLED[event]
    return actions is None or (action or "") in actions


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def action_of(payload: dict[str, Any]) -> str | None:
    a = payload.get("action")
    return a if isinstance(a, str) else None


def installation_of(payload: dict[str, Any]) -> int | None:
    return _int(_dict(payload.get("installation")).get("id"))


@dataclass(frozen=True)
class RepoInfo:
    id: int
    full_name: str
    clone_url: str
    html_url: str


def repo_of(payload: dict[str, Any]) -> RepoInfo | None:
    repo = _dict(payload.get("repository"))
    rid = _int(repo.get("id"))
    name = _str(repo.get("full_name"))
    if rid is None or "/" not in name:
        return None
    return RepoInfo(rid, name, _str(repo.get("clone_url")), _str(repo.get("html_url")))


@dataclass(frozen=True)
class PullInfo:
    number: int
    head_sha: str
    base_ref: str
    base_sha: str
    author: str
    html_url: str
    updated_at: str
    open: bool
    from_fork: bool


def pull_of(pr: Any) -> PullInfo | None:
    pr = _dict(pr)
    head, base = _dict(pr.get("head")), _dict(pr.get("base"))
    number = _int(pr.get("number"))
    if number is None or not _str(head.get("sha")) or not _str(base.get("sha")):
        return None
    head_repo, base_repo = _dict(head.get("repo")), _dict(base.get("repo"))
    return PullInfo(
        number=number,
        head_sha=_str(head.get("sha")),
        base_ref=_str(base.get("ref")),
        base_sha=_str(base.get("sha")),
        author=_str(_dict(pr.get("user")).get("login")),
        html_url=_str(pr.get("html_url")),
        updated_at=_str(pr.get("updated_at")),
        open=_str(pr.get("state")) != "closed",
        from_fork=bool(head_repo) and _int(head_repo.get("id")) != _int(base_repo.get("id")),
    )


@dataclass(frozen=True)
class Sender:
    login: str
    id: int | None
    bot: bool


def sender_of(payload: dict[str, Any]) -> Sender:
    s = _dict(payload.get("sender"))
    return Sender(_str(s.get("login")), _int(s.get("id")), _str(s.get("type")) == "Bot")


@dataclass(frozen=True)
class ReviewInfo:
    id: int | None
    #: The review's text; GitHub sends ``null`` for a review without one.
    body: str
    #: The commit the reviewer looked at.
    commit_id: str
    html_url: str
    #: ``approved``, ``changes_requested``, ``commented`` or ``dismissed`` (lower case in webhooks).
    state: str = ""


def review_of(payload: dict[str, Any]) -> ReviewInfo:
    r = _dict(payload.get("review"))
    return ReviewInfo(
        _int(r.get("id")),
        _str(r.get("body")),
        _str(r.get("commit_id")),
        _str(r.get("html_url")),
        _str(r.get("state")).lower(),
    )


def base_changed(payload: dict[str, Any]) -> bool:
    """``pull_request.edited`` matters only when the base branch changed (``changes.base``)."""
    return bool(_dict(payload.get("changes")).get("base"))


_QUEUE_PR = re.compile(r"/pr-(\d+)-")


def merge_group_prs(head_ref: str) -> list[int]:
    """PR numbers named by a merge-queue ref (``refs/heads/gh-readonly-queue/main/pr-104-<sha>``)."""
    return [int(n) for n in _QUEUE_PR.findall(head_ref)]


def get(payload: dict[str, Any], *path: str) -> Any:
    node: Any = payload
    for key in path:
        node = _dict(node).get(key)
    return node
