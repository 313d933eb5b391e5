"""Approvals given before their head's analysis had finished.

A `/regress approve` in a comment or review, or an approving review with
``approvals.approving-reviews``, can arrive while the analysis of the PR's head is still queued
or running: there are no findings to approve yet. It is recorded here, bound to the PR, the head
and the comment or review, and the analysis of that head applies it before it publishes, under
the base branch's policy of that moment and with the checks of an immediate approval
(:mod:`regress.webhooks.granting`), so the check run and comment it publishes already show it.

- A push that moves the head before that analysis finished drops it (the approver saw other
  code) and says so in one reply; a dismissed review drops the approval it gave, and
  `/regress revoke` drops those it names, silently (someone else acted).
- Recording is idempotent per command (a key of its place), settling is a conditional update
  that stores the approval row in the same transaction: a handler or analysis that runs twice
  (a redelivery, a worker that died between recording and applying) records, applies and replies
  once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from regress.config import Config
from regress.engine import Report
from regress.webhooks import approving, granting
from regress.webhooks.commands import Command, Verb
from regress.webhooks.events import Sender
from regress.webhooks.github import RepoRef
from regress.webhooks.standing import Standing
from regress.webhooks.store import PendingApproval, PendingApprovalRow, PendingState, Pull

if TYPE_CHECKING:
    from regress.webhooks.service import Service

log = logging.getLogger("regress.webhooks.pending")


@dataclass(frozen=True)
class Place:
    """Where an approve command was given: what a pending approval is bound to."""

    #: ``comment`` or ``review``.
    source: str
    #: The comment's or review's URL.
    source_ref: str
    body_sha256: str
    #: The command's position among the text's commands.
    ordinal: int
    #: The comment's id (None for a review).
    comment_id: int | None = None
    #: The commit a review was submitted on.
    reviewed_sha: str | None = None
    #: An approving review without a command.
    implied: bool = False

    def key(self, repo_id: int, number: int, approver: str) -> str:
        where = self.source_ref or self.body_sha256
        text = f"{repo_id}\0{number}\0{self.source}\0{where}\0{approver.lower()}\0{self.ordinal}"
        return hashlib.sha256(text.encode()).hexdigest()


def record(svc: Service, pull: Pull, sender: Sender, cmd: Command, place: Place) -> bool:
    """Record an approval for the PR's head, whose analysis has not finished; False when this
    command was recorded before. The caller then requests the analysis again."""
    added = svc.store.add_pending(
        PendingApprovalRow(
            key=place.key(pull.repo_id, pull.number, sender.login),
            installation_id=pull.installation_id,
            repo_id=pull.repo_id,
            repo=pull.repo,
            pr_number=pull.number,
            head_sha=pull.head_sha,
            approver=sender.login,
            approver_id=sender.id,
            command=json.dumps({"fingerprints": list(cmd.fingerprints), "all": cmd.all, "reason": cmd.reason}),
            implied=place.implied,
            reviewed_sha=place.reviewed_sha,
            source=place.source,
            source_ref=place.source_ref,
            body_sha256=place.body_sha256,
            comment_id=place.comment_id,
            created=time.time(),
            state=PendingState.PENDING.value,
        )
    )
    log.info(
        "approval by %s pending until %s is analysed%s",
        sender.login,
        pull.head_sha[:12],
        "" if added else " (recorded before)",
        extra={"repo": pull.repo, "pr": pull.number},
    )
    return added


def _link(p: PendingApproval) -> str:
    return f" ({p.source_ref})" if p.source_ref else ""


def drop_superseded(svc: Service, pull: Pull) -> int:
    """Drop the PR's pending approvals given on another head than its current one, telling each
    approver once."""
    dropped = 0
    for p in svc.store.pending_approvals(pull.repo_id, pull.number):
        if p.head_sha == pull.head_sha:
            continue
        if svc.store.settle_pending(p.id, PendingState.DROPPED, f"superseded by {pull.head_sha}"):
            dropped += 1
            svc.publisher.reply(
                pull,
                f"@{p.approver} your approval{_link(p)} was not applied: it was given on {p.head_sha[:12]}, and the "
                f"pull request's head moved to {pull.head_sha[:12]} before regress had finished analysing "
                f"{p.head_sha[:12]}; approve again once the check of {pull.head_sha[:12]} completes.",
            )
    return dropped


def drop(
    svc: Service, pull: Pull, why: str, source: tuple[str, str] | None = None, fingerprints: Sequence[str] | None = None
) -> int:
    """Drop the PR's pending approvals, silently: those given through ``source`` (kind,
    reference) when given, those naming any of ``fingerprints`` when given, else all."""
    dropped = 0
    for p in svc.store.pending_approvals(pull.repo_id, pull.number):
        if source is not None and (p.source, p.source_ref) != source:
            continue
        if fingerprints is not None and not any(fp.startswith(x) for fp in p.fingerprints for x in fingerprints):
            continue
        dropped += svc.store.settle_pending(p.id, PendingState.DROPPED, why)
    return dropped


def apply_waiting(
    svc: Service,
    pull: Pull,
    base_sha: str,
    report: Report,
    policy: Config | None,
    unreadable: str,
    standing: Standing | None,
) -> bool:
    """Apply the approvals waiting for the analysis of the PR's current head (``report``, before
    approvals), oldest first; True when any was stored. ``policy`` is the base branch's now (None
    with ``unreadable`` saying why: refused, as an immediate approval would be)."""
    waiting = [p for p in svc.store.pending_approvals(pull.repo_id, pull.number) if p.head_sha == pull.head_sha]
    added = False
    for p in waiting:
        if policy is None or standing is None:
            _refuse(svc, pull, p, unreadable)
            continue
        if p.implied and not policy.approving_reviews:
            svc.store.settle_pending(p.id, PendingState.DROPPED, "approvals.approving-reviews is off")
            continue
        added = _apply_one(svc, pull, base_sha, report, policy, standing, p) or added
    return added


def _refuse(svc: Service, pull: Pull, p: PendingApproval, why: str) -> None:
    if svc.store.settle_pending(p.id, PendingState.REFUSED, why):
        svc.publisher.reply(pull, f"@{p.approver} approval refused: {why}.")
        log.info("pending approval by %s refused: %s", p.approver, why, extra={"repo": pull.repo, "pr": pull.number})


def _apply_one(
    svc: Service, pull: Pull, base_sha: str, report: Report, policy: Config, standing: Standing, p: PendingApproval
) -> bool:
    cmd = Command(Verb.APPROVE, p.fingerprints, p.all, p.reason)
    permission = standing.permission(p.approver)
    why = granting.precheck(policy, permission, p.approver, pull.author, cmd, pull.head_sha, p.reviewed_sha)
    if why is not None:
        _refuse(svc, pull, p, why)
        return False
    # What the approver would have seen had the analysis finished: the findings with the
    # approvals stored so far (including those applied just before this one) applied.
    approvals = svc.store.approvals(repo_id=pull.repo_id, pr_number=pull.number)
    shown = approving.apply(report, approvals, policy, {pull.number: pull.author}, standing.shortfall).report
    mine = [a for a in approvals if a.revoked is None and a.approver.lower() == p.approver.lower()]
    grant = granting.decide(
        cmd,
        shown.to_json(),
        p.approver,
        permission,
        policy,
        lambda team: standing.membership(team, p.approver),
        mine,
    )
    if not grant.covered:
        if grant.satisfied:
            # Already approved (by others, or by this approver's earlier comment or review): the
            # approver's aim is met, nothing to say.
            svc.store.settle_pending(p.id, PendingState.DROPPED, grant.refusal or "nothing left to approve")
        else:
            _refuse(svc, pull, p, grant.refusal or "nothing to approve")
        return False
    row = grant.row(
        pull,
        approver=p.approver,
        approver_id=p.approver_id,
        role=permission.role_name,
        reason=p.reason,
        source=p.source,
        source_ref=p.source_ref,
        body_sha256=p.body_sha256,
        base_sha=base_sha,
        created=p.created,
    )
    if not svc.store.settle_pending(p.id, PendingState.APPLIED, f"{len(grant.covered)} finding(s) approved", row):
        return False
    log.info(
        "%d finding(s) approved by %s (given before the analysis finished)",
        len(grant.covered),
        p.approver,
        extra={"repo": pull.repo, "pr": pull.number},
    )
    if grant.left:
        n = len(grant.covered)
        svc.publisher.reply(
            pull,
            f"@{p.approver} approved {n} finding{'s' if n != 1 else ''} ({granting.fps(list(grant.covered))}); "
            f"not approved: {'; '.join(grant.left)}.",
        )
    if p.comment_id is not None:
        svc.github.react(pull.installation_id, RepoRef.parse(pull.repo), p.comment_id, "+1")
    return True
