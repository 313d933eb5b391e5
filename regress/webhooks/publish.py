"""Publishing: one ``regress`` check run per head commit and one sticky comment per pull request.

Idempotent, so a job that runs again after its worker died does not duplicate anything:

- the check run's id is stored once created; without a stored id, the App's own run for that
  commit is looked up before one is created (a worker may have died between the two);
- annotations are appended by GitHub on every update ("Update a check run"), so each is sent once
  per check run (the fingerprints sent are stored);
- the comment is found by its stored id, else by the hidden marker *and* the App as author
  (``performed_via_github_app.id``; a user's comment quoting the marker is never taken over), and
  edited in place; it is created only when a PR has findings for the first time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from regress.engine import Report
from regress.report import markdown
from regress.webhooks import approving, checkrun
from regress.webhooks.approving import Tally
from regress.webhooks.github import GitHubApi, RepoRef
from regress.webhooks.store import Pull, Store, StoredApproval

log = logging.getLogger("regress.webhooks.publish")
#: GitHub refuses comment bodies over 65,536 characters (``422 Body is too long``, see
#: danger/danger#424); whether it counts code points or bytes is undocumented, so stay well below.
COMMENT_LIMIT = markdown.COMMENT_LIMIT


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Publisher:
    def __init__(self, store: Store, github: GitHubApi, app_id: str) -> None:
        self.store = store
        self.github = github
        self.app_id = app_id

    # -- check runs ------------------------------------------------------------------------------
    def start(self, installation_id: int, repo_id: int, repo: RepoRef, head_sha: str) -> int:
        """The commit's check run, in progress; created if there is none yet."""
        body: dict[str, Any] = {"status": "in_progress", "started_at": _now()}
        row = self.store.get_check_run(repo_id, head_sha)
        if row is None:
            mine = self.github.find_check_runs(installation_id, repo, head_sha, checkrun.NAME)
            if mine:
                found = max(mine, key=lambda r: int(r["id"]))
                self.store.set_check_run(repo_id, head_sha, int(found["id"]), str(found.get("html_url") or ""))
                row = self.store.get_check_run(repo_id, head_sha)
        if row is not None:
            self.github.update_check_run(installation_id, repo, row.check_run_id, body)
            return row.check_run_id
        created = self.github.create_check_run(
            installation_id, repo, {"name": checkrun.NAME, "head_sha": head_sha, **body}
        )
        self.store.set_check_run(repo_id, head_sha, int(created["id"]), str(created.get("html_url") or ""))
        return int(created["id"])

    def complete(
        self,
        installation_id: int,
        repo_id: int,
        repo: RepoRef,
        head_sha: str,
        report: Report,
        approvals: Sequence[StoredApproval],
        details_url: str | None,
        offer_button: bool,
        tallies: Mapping[str, Tally] | None = None,
    ) -> str:
        check_id = self.start_if_missing(installation_id, repo_id, repo, head_sha)
        row = self.store.get_check_run(repo_id, head_sha)
        output = checkrun.output(report, approvals, row.html_url if row else None, tallies)
        sent = set(json.loads(row.annotated)) if row else set()
        pending = [(fp, a) for fp, a in checkrun.annotations_for(report) if fp not in sent]
        batches = checkrun.batches([a for _, a in pending])
        fps = [fp for fp, _ in pending]
        conclusion = checkrun.conclusion(report)
        # All but the last batch first, so a completed run already carries every annotation.
        done = 0
        for batch in batches[:-1]:
            self.github.update_check_run(installation_id, repo, check_id, {"output": {**output, "annotations": batch}})
            self.store.add_annotated(repo_id, head_sha, fps[done : done + len(batch)])
            done += len(batch)
        body: dict[str, Any] = {
            "status": "completed",
            "conclusion": conclusion.value,
            "completed_at": _now(),
            "output": {**output, "annotations": batches[-1]} if batches else output,
            "actions": checkrun.ACTIONS if conclusion is checkrun.Conclusion.ACTION_REQUIRED and offer_button else [],
        }
        if details_url:
            body["details_url"] = details_url
        self.github.update_check_run(installation_id, repo, check_id, body)
        self.store.add_annotated(repo_id, head_sha, fps[done:])
        self.store.mark_completed(repo_id, head_sha, conclusion.value)
        return conclusion.value

    def fail(self, installation_id: int, repo_id: int, repo: RepoRef, head_sha: str, reason: str) -> None:
        check_id = self.start_if_missing(installation_id, repo_id, repo, head_sha)
        self.github.update_check_run(
            installation_id,
            repo,
            check_id,
            {
                "status": "completed",
                "conclusion": checkrun.Conclusion.FAILURE.value,
                "completed_at": _now(),
                "output": checkrun.failure_output(reason),
            },
        )
        self.store.mark_completed(repo_id, head_sha, checkrun.Conclusion.FAILURE.value)

    def start_if_missing(self, installation_id: int, repo_id: int, repo: RepoRef, head_sha: str) -> int:
        row = self.store.get_check_run(repo_id, head_sha)
        return row.check_run_id if row else self.start(installation_id, repo_id, repo, head_sha)

    # -- the pull request comment ----------------------------------------------------------------
    def _is_mine(self, comment: dict[str, Any]) -> bool:
        user = comment.get("user") or {}
        app = comment.get("performed_via_github_app") or {}
        return (
            markdown.MARKER in str(comment.get("body") or "")
            and user.get("type") == "Bot"
            and str(app.get("id")) == str(self.app_id)
        )

    def comment(
        self, pull: Pull, report: Report, details_url: str | None, tallies: Mapping[str, Tally] | None = None
    ) -> int | None:
        """Create or edit the PR's sticky comment; returns its id (None: no comment, none needed)."""
        repo = RepoRef.parse(pull.repo)
        body = markdown.render(
            report, limit=COMMENT_LIMIT, details_url=details_url, progress=approving.progress(tallies)
        )
        comment_id = pull.comment_id
        if comment_id is None:
            mine = [c for c in self.github.list_comments(pull.installation_id, repo, pull.number) if self._is_mine(c)]
            if mine:
                comment_id = int(min(mine, key=lambda c: int(c["id"]))["id"])
        if comment_id is not None:
            if self.github.update_comment(pull.installation_id, repo, comment_id, body) is not None:
                self.store.set_comment(pull.repo_id, pull.number, comment_id)
                return comment_id
            log.info("the regress comment on %s#%s was deleted; writing a new one", pull.repo, pull.number)
            self.store.set_comment(pull.repo_id, pull.number, None)
        if not report.findings and not self.store.pr_had_findings(pull.repo_id, pull.number):
            return None
        created = self.github.create_comment(pull.installation_id, repo, pull.number, body)
        self.store.set_comment(pull.repo_id, pull.number, int(created["id"]))
        return int(created["id"])

    def reply(self, pull: Pull, text: str) -> None:
        """A short answer to a command (a refused approval, a syntax error)."""
        self.github.create_comment(pull.installation_id, RepoRef.parse(pull.repo), pull.number, text)
