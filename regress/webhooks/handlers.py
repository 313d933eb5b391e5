"""What each stored delivery does: record pull-request state, request analyses, take approvals.

Handlers do little I/O themselves: an analysis is *requested* (a work row plus a queue message)
and run by :mod:`regress.webhooks.analysis`, so a burst of pushes to one PR collapses into one run
of its newest head.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from regress.config import Config
from regress.webhooks import approving, baseconfig, checkrun, commands, events, granting, pending
from regress.webhooks.analysis import group_key, pr_key
from regress.webhooks.commands import Command, Verb
from regress.webhooks.events import RepoInfo, Sender
from regress.webhooks.github import RepoRef
from regress.webhooks.store import Delivery, DeliveryState, Pull

if TYPE_CHECKING:
    from regress.webhooks.service import Service

log = logging.getLogger("regress.webhooks.handlers")
Outcome = tuple[DeliveryState, str]
BUTTON_REASON = "no reason given (approved with the check run's button)"


def handle(svc: Service, delivery: Delivery) -> Outcome:
    try:
        payload = json.loads(delivery.payload)
    except ValueError:
        return DeliveryState.FAILED, "payload is not JSON"
    if not isinstance(payload, dict):
        return DeliveryState.FAILED, "payload is not a JSON object"
    event, action = delivery.event, events.action_of(payload)
    if not events.handled(event, action):
        return DeliveryState.IGNORED, f"{event}.{action} is not handled"
    if event == "installation":
        return _installation(svc, payload, action or "")
    installation = events.installation_of(payload)
    repo = events.repo_of(payload)
    if installation is None or repo is None:
        # Repository-webhook style deliveries carry no installation: nothing to act as.
        return DeliveryState.FAILED, "the payload names no installation or repository"
    if event == "installation_repositories":
        return _installation_repositories(svc, payload, action or "")
    if svc.store.installation_suspended(installation):
        return DeliveryState.IGNORED, "installation suspended"
    if event == "pull_request":
        return _pull_request(svc, payload, action or "", installation, repo)
    if event == "issue_comment":
        return _issue_comment(svc, payload, installation, repo)
    if event == "pull_request_review":
        if action == "dismissed":
            return _review_dismissed(svc, payload, installation, repo)
        return _review(svc, payload, installation, repo)
    if event in ("check_run", "check_suite"):
        return _check_event(svc, payload, event, action or "", installation, repo)
    if event == "merge_group":
        return _merge_group(svc, payload, installation, repo)
    return DeliveryState.IGNORED, f"{event} is not handled"


# -- installations -------------------------------------------------------------------------------
def _installation(svc: Service, payload: dict[str, Any], action: str) -> Outcome:
    iid = events.installation_of(payload)
    if iid is None:
        return DeliveryState.FAILED, "installation event without an installation id"
    account = str(events.get(payload, "installation", "account", "login") or "")
    if action == "deleted":
        for repo_id in svc.store.purge_installation(iid):
            svc.mirrors.remove(repo_id)
        svc.forget_installation(iid)
        return DeliveryState.DONE, "installation purged"
    svc.store.set_installation(iid, account, suspended=action == "suspend")
    return DeliveryState.DONE, f"installation {action}"


def _installation_repositories(svc: Service, payload: dict[str, Any], action: str) -> Outcome:
    if action != "removed":
        return DeliveryState.DONE, "repositories added"
    removed = payload.get("repositories_removed") or []
    for repo in removed:
        if isinstance(repo, dict) and isinstance(repo.get("id"), int):
            svc.store.purge_repository(repo["id"])
            svc.mirrors.remove(repo["id"])
    return DeliveryState.DONE, f"{len(removed)} repositories purged"


# -- pull requests -------------------------------------------------------------------------------
def pull_row(info: events.PullInfo, repo: RepoInfo, installation: int, open_: bool, seen: float) -> Pull:
    return Pull(
        repo_id=repo.id,
        number=info.number,
        repo=repo.full_name,
        installation_id=installation,
        clone_url=repo.clone_url,
        html_url=info.html_url,
        head_sha=info.head_sha,
        base_ref=info.base_ref,
        base_sha=info.base_sha,
        author=info.author,
        open=open_,
        updated_at=info.updated_at,
        seen=seen,
        comment_id=None,
    )


def _pull_request(svc: Service, payload: dict[str, Any], action: str, installation: int, repo: RepoInfo) -> Outcome:
    info = events.pull_of(payload.get("pull_request"))
    if info is None:
        return DeliveryState.FAILED, "pull_request payload without number, head or base"
    if action == "edited" and not events.base_changed(payload):
        return DeliveryState.IGNORED, "edited without a base change"
    # Deliveries of one PR can arrive and be handled out of order, and ``updated_at`` has
    # one-second resolution: the PR as the API shows it now is the newest state, so the newest
    # head is analysed whatever the order (one GET per event).
    current = events.pull_of(svc.github.get_pull(installation, RepoRef.parse(repo.full_name), info.number)) or info
    stored = svc.store.upsert_pull(pull_row(current, repo, installation, current.open, time.time()))
    if not stored.open:
        svc.store.drop_work(pr_key(repo.id, info.number))
        return DeliveryState.DONE, "closed"
    request_pull(svc, stored, force=action == "edited")
    return DeliveryState.DONE, f"analysis of {stored.head_sha[:12]} requested"


def request_pull(svc: Service, pull: Pull, force: bool = True) -> None:
    """Ask for the PR's head to be analysed; unless ``force``d, not again when it is already
    pending or done for that head (several events of one push)."""
    key = pr_key(pull.repo_id, pull.number)
    svc.store.request_work(
        key,
        repo_id=pull.repo_id,
        repo=pull.repo,
        installation_id=pull.installation_id,
        clone_url=pull.clone_url,
        pr_number=pull.number,
        head_sha=pull.head_sha,
        base_sha=pull.base_sha,
        force=force,
    )
    svc.enqueue_work(key)


def _merge_group(svc: Service, payload: dict[str, Any], installation: int, repo: RepoInfo) -> Outcome:
    head = str(events.get(payload, "merge_group", "head_sha") or "")
    base = str(events.get(payload, "merge_group", "base_sha") or "")
    ref = str(events.get(payload, "merge_group", "head_ref") or "")
    if not head or not base:
        return DeliveryState.FAILED, "merge_group without head_sha or base_sha"
    key = group_key(repo.id, head)
    svc.store.request_work(
        key,
        repo_id=repo.id,
        repo=repo.full_name,
        installation_id=installation,
        clone_url=repo.clone_url,
        pr_number=None,
        head_sha=head,
        base_sha=base,
        ref=ref,
    )
    svc.enqueue_work(key)
    return DeliveryState.DONE, f"merge group {head[:12]} requested"


def _pull(svc: Service, installation: int, repo: RepoInfo, number: int) -> Pull | None:
    """The PR from the store, or from the API when no pull_request event was seen for it."""
    pull = svc.store.get_pull(repo.id, number)
    if pull is not None:
        return pull
    info = events.pull_of(svc.github.get_pull(installation, RepoRef.parse(repo.full_name), number))
    if info is None:
        return None
    return svc.store.upsert_pull(pull_row(info, repo, installation, info.open, time.time()))


def _pulls_for_check(svc: Service, payload: dict[str, Any], key: str, installation: int, repo: RepoInfo) -> list[Pull]:
    """PRs of a check run or suite: from the payload, else (fork PRs: ``pull_requests`` is empty)
    from the head → PR map the store keeps."""
    head = str(events.get(payload, key, "head_sha") or "")
    numbers = {
        int(p["number"])
        for p in (events.get(payload, key, "pull_requests") or [])
        if isinstance(p, dict) and isinstance(p.get("number"), int)
    }
    pulls = [p for n in sorted(numbers) if (p := _pull(svc, installation, repo, n)) is not None]
    known = {p.number for p in pulls}
    pulls += [p for p in svc.store.pulls_for_head(repo.id, head) if p.number not in known]
    return [p for p in pulls if p.open]


def _check_event(
    svc: Service, payload: dict[str, Any], event: str, action: str, installation: int, repo: RepoInfo
) -> Outcome:
    app_id = events.get(payload, event, "app", "id")
    if app_id is not None and str(app_id) != svc.settings.app_id:
        return DeliveryState.IGNORED, "another app's check"
    head = str(events.get(payload, event, "head_sha") or "")
    pulls = _pulls_for_check(svc, payload, event, installation, repo)
    if event == "check_run" and action == "requested_action":
        identifier = str(events.get(payload, "requested_action", "identifier") or "")
        if identifier != checkrun.APPROVE_ALL:
            return DeliveryState.IGNORED, f"unknown button {identifier!r}"
        sender = events.sender_of(payload)
        for pull in pulls:
            if pull.head_sha == head:
                _approve(
                    svc,
                    pull,
                    sender,
                    Command(Verb.APPROVE, (), True, BUTTON_REASON),
                    "check-run button",
                    str(events.get(payload, "check_run", "html_url") or ""),
                    None,
                    button=True,
                )
        return DeliveryState.DONE, f"button on {len(pulls)} pull request(s)"
    for pull in pulls:
        request_pull(svc, pull)
    if not pulls:
        work = svc.store.get_work(group_key(repo.id, head))
        if work is None:
            return DeliveryState.IGNORED, f"no pull request or merge group known for {head[:12]}"
        svc.store.request_again(work)  # a merge group's work: no pull request
        svc.enqueue_work(work.key)
    return DeliveryState.DONE, "re-run requested"


# -- comments, reviews and approvals -------------------------------------------------------------
def _issue_comment(svc: Service, payload: dict[str, Any], installation: int, repo: RepoInfo) -> Outcome:
    if not events.get(payload, "issue", "pull_request"):
        return DeliveryState.IGNORED, "comment on an issue, not a pull request"
    sender = events.sender_of(payload)
    if sender.bot:
        return DeliveryState.IGNORED, "comment by a bot"
    body = str(events.get(payload, "comment", "body") or "")
    cmds = commands.parse(body)
    if not cmds:
        return DeliveryState.IGNORED, "no /regress command"
    number = events.get(payload, "issue", "number")
    if not isinstance(number, int):
        return DeliveryState.FAILED, "comment without an issue number"
    pull = _pull(svc, installation, repo, number)
    if pull is None:
        return DeliveryState.FAILED, f"pull request #{number} not found"
    comment_id = events.get(payload, "comment", "id")
    comment_url = str(events.get(payload, "comment", "html_url") or "")
    cid = comment_id if isinstance(comment_id, int) else None
    results = _run_commands(svc, pull, sender, cmds, "comment", comment_url, body, None, comment_id=cid)
    if isinstance(comment_id, int) and any(r in ("approved", "revoked", "recheck") for r in results):
        svc.github.react(installation, RepoRef.parse(repo.full_name), comment_id, "+1")
    elif isinstance(comment_id, int) and "pending" in results:
        # Seen, and waiting for the analysis: the 👍 follows when it is applied.
        svc.github.react(installation, RepoRef.parse(repo.full_name), comment_id, "eyes")
    return DeliveryState.DONE, ", ".join(results)


def _review(svc: Service, payload: dict[str, Any], installation: int, repo: RepoInfo) -> Outcome:
    """``/regress`` commands in a submitted PR review, handled like a comment's. GitHub has no
    reactions on reviews, so only refusals and errors get a reply."""
    sender = events.sender_of(payload)
    if sender.bot:
        return DeliveryState.IGNORED, "review by a bot"
    review = events.review_of(payload)
    cmds = commands.parse(review.body)
    if not cmds and review.state != "approved":
        return DeliveryState.IGNORED, "no /regress command"
    if review.html_url and svc.store.dismissed_by(review.html_url) is not None:
        # Its dismissal was handled first (deliveries run out of order): it approves nothing.
        return DeliveryState.IGNORED, "the review was dismissed before its submission was handled"
    info = events.pull_of(payload.get("pull_request"))
    if info is None:
        return DeliveryState.FAILED, "review without a pull request"
    pull = _pull(svc, installation, repo, info.number)
    if pull is None:
        return DeliveryState.FAILED, f"pull request #{info.number} not found"
    if review.commit_id and review.commit_id != pull.head_sha:
        # The stored head may lag a push whose event is still on its way: ask GitHub.
        current = events.pull_of(svc.github.get_pull(installation, RepoRef.parse(repo.full_name), info.number))
        if current is not None and current.head_sha != pull.head_sha:
            pull = svc.store.upsert_pull(pull_row(current, repo, installation, current.open, time.time()))
    config: Config | None = None
    implied = False
    if not cmds:
        found = _approving_review(svc, pull, review)
        if isinstance(found, str):
            return DeliveryState.IGNORED, found
        cmds, config, implied = [found[0]], found[1], True
    results = _run_commands(
        svc, pull, sender, cmds, "review", review.html_url, review.body, review.commit_id, config, implied=implied
    )
    return DeliveryState.DONE, ", ".join(results)


def _approving_review(svc: Service, pull: Pull, review: events.ReviewInfo) -> tuple[Command, Config] | str:
    """A review submitted as Approve, without a command: ``/regress approve all`` with the
    review's text as the reason, where the base branch's ``approvals.approving-reviews`` says so
    and the head's analysis has findings left to approve; else why it is ignored. Silent unless
    it approves something: most approving reviews are of changes with nothing to approve. Before
    the head's analysis has finished it is taken, to be applied (or dropped quietly, when nothing
    is left to approve) by that analysis."""
    try:
        config = base_config(svc, pull)
    except baseconfig.PolicyUnreadable as exc:
        return f"approving review not taken: {exc}"
    if not config.approving_reviews:
        return "approving review without a /regress command (approvals.approving-reviews is off)"
    cmd = Command(Verb.APPROVE, (), True, review.body.strip() or "approved in a pull-request review")
    analysis = svc.store.latest_analysis(pull.repo_id, pull.head_sha)
    if analysis is not None and not approving.targets(cmd, json.loads(analysis.report or "{}")).covered:
        return "approving review: nothing unapproved to approve at the head"
    return cmd, config


def _review_dismissed(svc: Service, payload: dict[str, Any], installation: int, repo: RepoInfo) -> Outcome:
    """A dismissed review takes back the approvals given in it: whoever dismissed it (a
    maintainer, or branch protection's "dismiss stale approvals" on a push) no longer stands
    behind it. The payload's body may be null: the approvals are found by the review's URL."""
    review = events.review_of(payload)
    info = events.pull_of(payload.get("pull_request"))
    if info is None or not review.html_url:
        return DeliveryState.IGNORED, "dismissed review without a pull request or URL"
    sender = events.sender_of(payload)
    # Noted first: a submission handled after this (out of order, or concurrently) sees it.
    svc.store.note_dismissed(repo.id, review.html_url, sender.login)
    pull = svc.store.get_pull(repo.id, info.number)
    if pull is None:
        return DeliveryState.IGNORED, f"pull request #{info.number} not tracked"
    count = svc.store.revoke_approvals(repo.id, info.number, None, sender.login, source=("review", review.html_url))
    waiting = pending.drop(svc, pull, f"review dismissed by {sender.login}", source=("review", review.html_url))
    if not count and not waiting:
        return DeliveryState.IGNORED, "the dismissed review approved nothing"
    if count:
        request_pull(svc, pull)
    return DeliveryState.DONE, f"{count} approval(s) of the dismissed review revoked, {waiting} pending dropped"


def _run_commands(
    svc: Service,
    pull: Pull,
    sender: Sender,
    cmds: list[Command],
    source: str,
    source_ref: str,
    body: str,
    reviewed_sha: str | None,
    config: Config | None = None,
    comment_id: int | None = None,
    implied: bool = False,
) -> list[str]:
    """Run a comment's or review's commands; ``config`` is the base policy when already read."""
    body_hash = hashlib.sha256(body.encode()).hexdigest()
    results = []
    for ordinal, cmd in enumerate(cmds):
        if cmd.verb is None:
            svc.publisher.reply(pull, f"@{sender.login} {cmd.error}")
            results.append("syntax error")
        elif cmd.verb is Verb.RECHECK:
            request_pull(svc, pull)
            results.append("recheck")
        elif cmd.verb is Verb.APPROVE:
            place = pending.Place(source, source_ref, body_hash, ordinal, comment_id, reviewed_sha, implied)
            results.append(
                _approve(svc, pull, sender, cmd, source, source_ref, body_hash, reviewed_sha, config, place=place)
            )
        else:
            results.append(_revoke(svc, pull, sender, cmd))
    return results


def base_config(svc: Service, pull: Pull) -> Config:
    """The approval policy from the base branch (never from the PR's own head); raises
    ``baseconfig.PolicyUnreadable``."""
    return baseconfig.read(
        svc, pull.installation_id, pull.repo, pull.repo_id, pull.clone_url, pull.base_sha, pull.base_ref
    )


def _approve(
    svc: Service,
    pull: Pull,
    sender: Sender,
    cmd: Command,
    source: str,
    source_ref: str,
    body_hash: str | None,
    reviewed_sha: str | None = None,
    config: Config | None = None,
    button: bool = False,
    place: pending.Place | None = None,
) -> str:
    """Take an approval now, or (``place`` given: a comment or review) keep it for the analysis
    of the head when that has not finished."""
    if config is None:
        try:
            config = base_config(svc, pull)
        except baseconfig.PolicyUnreadable as exc:
            # Fail closed: approving under the defaults would skip the teams and counts it may ask for.
            svc.publisher.reply(pull, f"@{sender.login} approval refused: {exc}.")
            return "refused"
    permission = svc.github.permission(pull.installation_id, RepoRef.parse(pull.repo), sender.login)
    why = granting.precheck(config, permission, sender.login, pull.author, cmd, pull.head_sha, reviewed_sha, button)
    analysis = None
    if why is None:
        analysis = svc.store.latest_analysis(pull.repo_id, pull.head_sha)
        if analysis is None and place is not None:
            pending.record(svc, pull, sender, cmd, place)
            dismisser = svc.store.dismissed_by(source_ref) if source == "review" else None
            if dismisser is not None:
                # Dismissed while this was being recorded: the dismissal may have looked for
                # waiting approvals before this one existed.
                pending.drop(svc, pull, f"review dismissed by {dismisser}", source=(source, source_ref))
                return "dropped"
            # A queued or running analysis of the head applies it (one that read the waiting
            # approvals before this was recorded goes round once more: ``analysis._run_once``);
            # none requested yet (a comment before the PR's own event): ask for one. One that
            # stored its analysis since the look-up above is asked to run again.
            request_pull(svc, pull, force=False)
            if svc.store.latest_analysis(pull.repo_id, pull.head_sha) is not None:
                request_pull(svc, pull)
            return "pending"
        if analysis is None:
            why = f"the current head {pull.head_sha[:12]} has no finished analysis yet; try again when it completes"
    grant = granting.Grant()
    if why is None and analysis is not None:
        mine = [
            a
            for a in svc.store.approvals(repo_id=pull.repo_id, pr_number=pull.number, active_only=True)
            if a.approver.lower() == sender.login.lower()
        ]
        grant = granting.decide(
            cmd,
            json.loads(analysis.report or "{}"),
            sender.login,
            permission,
            config,
            lambda team: svc.github.team_membership(pull.installation_id, team, sender.login),
            mine,
        )
        why = grant.refusal
    if why is not None:
        svc.publisher.reply(pull, f"@{sender.login} approval refused: {why}.")
        log.info("approval by %s refused: %s", sender.login, why, extra={"repo": pull.repo, "pr": pull.number})
        return "refused"
    assert analysis is not None
    svc.store.add_approval(
        grant.row(
            pull,
            approver=sender.login,
            approver_id=sender.id,
            role=permission.role_name,
            reason=cmd.reason or BUTTON_REASON,
            source=source,
            source_ref=source_ref,
            body_sha256=body_hash,
            base_sha=analysis.base_sha,
            created=time.time(),
        )
    )
    log.info(
        "%d finding(s) approved by %s", len(grant.covered), sender.login, extra={"repo": pull.repo, "pr": pull.number}
    )
    if grant.left:
        n = len(grant.covered)
        svc.publisher.reply(
            pull,
            f"@{sender.login} approved {n} finding{'s' if n != 1 else ''} ({granting.fps(list(grant.covered))}); "
            f"not approved: {'; '.join(grant.left)}.",
        )
    request_pull(svc, pull)  # re-publish at once
    return "approved"


def _revoke(svc: Service, pull: Pull, sender: Sender, cmd: Command) -> str:
    try:
        config = base_config(svc, pull)
    except baseconfig.PolicyUnreadable:
        # Revoking only takes approvals away: the defaults (writers) are enough to allow it.
        config = Config()
    permission = svc.github.permission(pull.installation_id, RepoRef.parse(pull.repo), sender.login)
    why = approving.refusal(config, permission, sender.login, pull.author, approving=False)
    if why is not None:
        svc.publisher.reply(pull, f"@{sender.login} revoke refused: {why.replace('approving', 'revoking')}.")
        return "refused"
    named = None if cmd.all else list(cmd.fingerprints)
    count = svc.store.revoke_approvals(pull.repo_id, pull.number, named, sender.login)
    # Approvals still waiting for the head's analysis are taken back too (silently: the
    # revoker acted, not the approver).
    pending.drop(svc, pull, f"revoked by {sender.login}", fingerprints=named)
    if count:
        request_pull(svc, pull)
    return "revoked"
