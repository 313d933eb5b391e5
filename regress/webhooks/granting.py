"""What one approval grants: the checks it passes and the findings it covers.

Shared by approvals taken at once (:mod:`regress.webhooks.handlers`) and approvals given before
their head's analysis had finished, applied when it does (:mod:`regress.webhooks.pending`), so
both meet the same policy with the same words when they do not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from regress.config import Config
from regress.webhooks import approving
from regress.webhooks.commands import Command
from regress.webhooks.github import Membership, Permission
from regress.webhooks.store import ApprovalRow, Pull, StoredApproval


def fps(fingerprints: Sequence[str]) -> str:
    return ", ".join(f"`{fp}`" for fp in sorted(fingerprints))


def precheck(
    config: Config,
    permission: Permission,
    login: str,
    author: str,
    cmd: Command,
    head_sha: str,
    reviewed_sha: str | None = None,
    button: bool = False,
) -> str | None:
    """Why the approval is refused before looking at findings (who, which commit, a reason), or None."""
    why = approving.refusal(config, permission, login, author, approving=True)
    if why is None and reviewed_sha is not None and reviewed_sha != head_sha:
        # The reviewer saw other code than the head whose findings would be approved (or the
        # payload does not say which: unknown is not the head).
        why = (
            f"this review was submitted on commit {reviewed_sha[:12] or '(not given)'}, not on the pull "
            f"request's head {head_sha[:12]}; approve in a review of the current head, or in a comment"
        )
    if why is None and not cmd.reason and config.require_reason and not button:
        why = "give a reason: `/regress approve <fingerprint…|all> <reason>`"
    return why


@dataclass(frozen=True)
class Grant:
    #: {fingerprint: value digest} approved.
    covered: Mapping[str, str] = field(default_factory=dict)
    #: Why each named finding that is not approved was left.
    left: tuple[str, ...] = ()
    #: Why nothing is approved, when nothing is.
    refusal: str | None = None
    #: Nothing is approved because nothing is left for this approver to approve: no unapproved
    #: finding (``all``), or they approved every one already.
    satisfied: bool = False

    def row(
        self,
        pull: Pull,
        *,
        approver: str,
        approver_id: int | None,
        role: str,
        reason: str,
        source: str,
        source_ref: str,
        body_sha256: str | None,
        base_sha: str,
        created: float,
    ) -> ApprovalRow:
        """The stored approval of what this grant covers on ``pull``'s current head."""
        return ApprovalRow(
            installation_id=pull.installation_id,
            repo_id=pull.repo_id,
            repo=pull.repo,
            pr_number=pull.number,
            fingerprints=json.dumps(dict(self.covered), sort_keys=True),
            approver=approver,
            approver_id=approver_id,
            role=role,
            reason=reason,
            source=source,
            source_ref=source_ref,
            body_sha256=body_sha256,
            head_sha=pull.head_sha,
            base_sha=base_sha,
            created=created,
            revoked=None,
            revoked_by=None,
        )


def decide(
    cmd: Command,
    report_json: dict[str, Any],
    login: str,
    permission: Permission,
    config: Config,
    membership: Callable[[str], Membership],
    mine: Sequence[StoredApproval],
) -> Grant:
    """The findings of an analysis (``report_json``, approvals applied) that ``cmd`` by ``login``
    approves under ``config``; ``mine`` are their live approvals on this PR."""
    found = approving.targets(cmd, report_json)
    if found.unknown or found.ambiguous:
        parts = []
        if found.unknown:
            parts.append("no unapproved finding has the fingerprint " + ", ".join(f"`{p}`" for p in found.unknown))
        if found.ambiguous:
            parts.append("more than one finding starts with " + ", ".join(f"`{p}`" for p in found.ambiguous))
        return Grant(refusal="; ".join(parts))
    if not found.covered:
        return Grant(refusal="there is nothing unapproved to approve", satisfied=True)
    category_of = approving.categories(report_json)
    by_category: dict[str, list[str]] = {}
    for fp in found.covered:
        by_category.setdefault(category_of.get(fp, ""), []).append(fp)
    allowed: dict[str, str] = {}
    left: list[str] = []
    refused_by_policy = False
    for category in sorted(by_category):
        named = by_category[category]
        policy = config.approver_policy(category)
        why = approving.policy_refusal(category, policy, permission, membership)
        if why is not None:
            left.append(f"{fps(named)} ({category}): {why}")
            refused_by_policy = True
            continue
        again = [fp for fp in named if any(a.fingerprints.get(fp) == found.covered[fp] for a in mine)]
        if again:
            need = f"approvals by {policy.count} different people" if policy.count > 1 else "one approval"
            left.append(f"{fps(again)} ({category}): you have approved it already; {category} findings need {need}")
        allowed.update({fp: found.covered[fp] for fp in named if fp not in again})
    if not allowed:
        return Grant(left=tuple(left), refusal="; ".join(left), satisfied=not refused_by_policy)
    return Grant(covered=allowed, left=tuple(left))
