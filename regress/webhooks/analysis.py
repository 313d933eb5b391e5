"""Running one work item: fetch the two commits, analyse, apply stored approvals, publish.

For a pull request the change is the merge base of the base branch's commit and the head against
the head, as GitHub shows a PR (GET compare/{base}...{head}); the engine reads ``.regress.yml``
and the approvals file from that base side, so a PR cannot switch off the rule that flags it. For
a merge-queue commit it is ``merge_group.base_sha...head_sha``, with the approvals of the queued
pull requests.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from regress import api
from regress.config import Config
from regress.engine import Options, Report, SideInfo
from regress.errors import InputError
from regress.model import Notice, NoticeKind
from regress.webhooks import approving, baseconfig, events, pending
from regress.webhooks.github import RepoRef, RetryLater
from regress.webhooks.mirror import FetchError
from regress.webhooks.settings import MAX_ATTEMPTS
from regress.webhooks.standing import Standing
from regress.webhooks.store import StoredApproval, Work

if TYPE_CHECKING:
    from regress.webhooks.service import Service

log = logging.getLogger("regress.webhooks.analysis")


def pr_key(repo_id: int, number: int) -> str:
    return f"{repo_id}:pr:{number}"


def group_key(repo_id: int, head_sha: str) -> str:
    return f"{repo_id}:mg:{head_sha}"


def approvals_for(svc: Service, work: Work) -> list[StoredApproval]:
    if work.pr_number is not None:
        return svc.store.approvals(repo_id=work.repo_id, pr_number=work.pr_number)
    # A merge-queue commit carries the changes of the queued PRs: the one its ref names and any
    # other open PR of the repository; their live approvals apply (each still binds fingerprint
    # *and* value, so an approval cannot cover a different weakening).
    numbers = {p.number for p in svc.store.open_pulls(work.repo_id)}
    numbers.update(events.merge_group_prs(work.ref))
    out: list[StoredApproval] = []
    for n in sorted(numbers):
        out.extend(svc.store.approvals(repo_id=work.repo_id, pr_number=n))
    return out


def authors_of(svc: Service, repo_id: int, approvals: list[StoredApproval]) -> dict[int, str]:
    """The author of every PR the approvals were given on."""
    out = {}
    for number in sorted({a.pr_number for a in approvals}):
        pull = svc.store.get_pull(repo_id, number)
        if pull is not None:
            out[number] = pull.author
    return out


def analyse(svc: Service, work: Work) -> Report:
    token = svc.github.fetch_token(work.installation_id, RepoRef.parse(work.repo))
    mirror = svc.mirrors.fetch(work.repo_id, work.clone_url, [work.base_sha, work.head_sha], token)
    report = api.diff_git(mirror, work.base_sha, work.head_sha, three_dot=True, options=Options())
    base_label = f"merge base {report.base.resolved[:12]}" if report.base.resolved else "merge base"
    return replace(
        report, base=SideInfo(base_label, report.base.resolved), head=SideInfo(work.head_sha[:12], work.head_sha)
    )


def run(svc: Service, key: str) -> None:
    """Handle every pending request of one work item, newest head only; released on return."""
    owner = svc.owner()
    while True:
        work = svc.store.claim_work(key, owner, svc.settings.lease_seconds)
        if work is None:
            return
        generation = work.requested
        if work.attempts > MAX_ATTEMPTS:
            # Its workers kept dying (or GitHub kept refusing): report it rather than loop forever.
            log.error("work %s given up after %d attempts", key, work.attempts - 1)
            svc.publisher.fail(
                work.installation_id,
                work.repo_id,
                RepoRef.parse(work.repo),
                work.head_sha,
                f"gave up after {work.attempts - 1} attempts; use Re-run to try again",
            )
            svc.store.finish_work(key, owner, generation, error="given up")
            continue
        with svc.heartbeat("work", key, owner):
            try:
                analysed = _run_once(svc, work)
            except RetryLater as exc:
                log.warning("work %s deferred %.0fs: %s", key, exc.delay, exc)
                svc.store.retry_work_later(key, owner, exc.delay, str(exc))
                return
        if svc.store.finish_work(key, owner, generation, work.head_sha if analysed else ""):
            return


def _run_once(svc: Service, work: Work) -> bool:
    """Analyse and publish; False when skipped (closed, superseded or suspended)."""
    repo = RepoRef.parse(work.repo)
    extra = {"repo": work.repo, "pr": work.pr_number, "head_sha": work.head_sha}
    pull = svc.store.get_pull(work.repo_id, work.pr_number) if work.pr_number is not None else None
    if pull is not None and (not pull.open or pull.head_sha != work.head_sha):
        log.info("skipped: the pull request is closed or has a newer head", extra=extra)
        return False
    if svc.store.installation_suspended(work.installation_id):
        log.info("skipped: installation suspended", extra=extra)
        return False
    svc.publisher.start(work.installation_id, work.repo_id, repo, work.head_sha)
    started = time.perf_counter()
    try:
        report = analyse(svc, work)
    except (FetchError, InputError) as exc:
        reason = str(exc)
        log.warning("analysis failed: %s", reason, extra=extra)
        svc.store.add_analysis(
            work.repo_id,
            work.pr_number,
            work.head_sha,
            work.base_sha,
            "failure",
            time.perf_counter() - started,
            None,
            reason,
        )
        svc.publisher.fail(work.installation_id, work.repo_id, repo, work.head_sha, reason)
        svc.metrics.analyses.labels(conclusion="failure").inc()
        return True
    seconds = time.perf_counter() - started
    svc.metrics.analysis_seconds.observe(seconds)
    # The policy approvals must meet: the base branch's commit, as when approving.
    unreadable = ""
    try:
        policy: Config | None = baseconfig.read(
            svc, work.installation_id, work.repo, work.repo_id, work.clone_url, work.base_sha, work.ref or "base"
        )
    except baseconfig.PolicyUnreadable as exc:
        policy, unreadable = None, str(exc)
    # Approvers are checked against that policy again (it may have been made stricter since they
    # approved), with lookups shared by every finding and waiting approval of this analysis.
    standing = Standing(svc.github, work.installation_id, repo, policy) if policy is not None else None
    if pull is not None:
        latest = svc.store.get_pull(work.repo_id, pull.number) or pull
        pending.drop_superseded(svc, latest)
        if latest.open and latest.head_sha == work.head_sha:
            pending.apply_waiting(svc, latest, work.base_sha, report, policy, unreadable, standing)
    approvals = approvals_for(svc, work)
    if policy is None:
        # Fail closed: no approval counts while the policy it must meet is unknown.
        log.warning("approvals not applied: %s", unreadable, extra=extra)
        approvals = []
        report = replace(
            report, notices=[*report.notices, Notice(NoticeKind.DEGRADED, f"approvals not applied: {unreadable}", "")]
        )
    applied = approving.apply(
        report,
        approvals,
        policy or Config(),
        authors_of(svc, work.repo_id, approvals),
        standing.shortfall if standing is not None else None,
    )
    report = applied.report
    details_url = pull.html_url if pull is not None and pull.html_url else None
    svc.store.add_analysis(
        work.repo_id,
        work.pr_number,
        work.head_sha,
        work.base_sha,
        "action_required" if report.violations else "success",
        seconds,
        report.to_json(),
        None,
    )
    conclusion = svc.publisher.complete(
        work.installation_id,
        work.repo_id,
        repo,
        work.head_sha,
        report,
        approvals,
        details_url,
        offer_button=pull is not None,
        tallies=applied.tallies,
    )
    svc.metrics.analyses.labels(conclusion=conclusion).inc()
    for f in report.findings:
        svc.metrics.findings.labels(category=f.category.value, approved=str(f.approved).lower()).inc()
    log.info(
        "published %s: %d findings, %d unapproved",
        conclusion,
        len(report.findings),
        len(report.violations),
        extra={**extra, "outcome": conclusion, "duration_ms": round(seconds * 1000)},
    )
    if pull is None:
        return True
    current = svc.store.get_pull(work.repo_id, pull.number)
    if current is None or current.head_sha != work.head_sha:
        return True  # a newer push arrived meanwhile: its own run will write the comment
    row = svc.store.get_check_run(work.repo_id, work.head_sha)
    svc.publisher.comment(current, report, row.html_url if row and row.html_url else None, applied.tallies)
    if any(p.head_sha == work.head_sha for p in svc.store.pending_approvals(work.repo_id, pull.number)):
        # Recorded after this run read the waiting approvals, and before it stored its analysis
        # (a handler that finds the analysis stored asks for a new run itself): go round once more.
        svc.store.request_again(work)
    return True
