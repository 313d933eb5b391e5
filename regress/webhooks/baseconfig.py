"""The approval policy of a pull request: ``.regress.yml`` as the base branch's commit has it,
never the PR's own head (a PR must not choose who approves it, GITHUB.md §8)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from regress.config import Config
from regress.engine import load_config
from regress.errors import InputError
from regress.source import git as gitsrc
from regress.webhooks.github import RepoRef
from regress.webhooks.mirror import FetchError

if TYPE_CHECKING:
    from regress.webhooks.service import Service

log = logging.getLogger("regress.webhooks.baseconfig")


class PolicyUnreadable(Exception):
    """The base branch's config cannot be fetched or is invalid: approvals wait. The defaults
    (writers, one approval) would be weaker than a policy asking for admins, teams or a count."""


def read(
    svc: Service, installation_id: int, repo: str, repo_id: int, clone_url: str, base_sha: str, label: str
) -> Config:
    """The config at ``base_sha``; raises ``PolicyUnreadable`` when it cannot be read."""
    try:
        token = svc.github.fetch_token(installation_id, RepoRef.parse(repo))
        path = svc.mirrors.fetch(repo_id, clone_url, [base_sha], token)
        git_repo = gitsrc.open_repo(path)
        try:
            snapshot = gitsrc.GitSnapshot(git_repo, gitsrc.resolve(git_repo, base_sha), label or "base")
            return load_config(snapshot, None)
        finally:
            git_repo.close()
    except (FetchError, InputError) as exc:
        log.warning("base config unreadable: %s", exc, extra={"repo": repo})
        raise PolicyUnreadable(
            f"the approval policy (.regress.yml at the base commit {base_sha[:12]}) cannot be read: {exc}"
        ) from exc
