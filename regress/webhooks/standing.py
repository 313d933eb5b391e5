"""Whether the people who approved still meet the base branch's policy, looked up once per
analysis.

An approval is checked when it is given; a policy made stricter later (a higher ``permission``,
new ``teams``) must apply to the approvals already stored too, so every analysis checks the
approvers of the approvals that match one of its findings again. One ``Standing`` lives for one
analysis and asks GitHub at most once per approver (collaborator permission) and per approver and
team (membership), however many findings they approved; :class:`regress.webhooks.github.GitHubClient`
caches the answers across analyses for ``REGRESS_PERMISSION_CACHE_SECONDS`` besides.
"""

from __future__ import annotations

from regress.config import Config
from regress.webhooks import approving
from regress.webhooks.github import GitHubApi, Membership, Permission, RepoRef


class Standing:
    """Lookups of one analysis: ``shortfall(login, category)`` is an ``approving.Standing``."""

    def __init__(self, github: GitHubApi, installation_id: int, repo: RepoRef, config: Config) -> None:
        self._github = github
        self._installation_id = installation_id
        self._repo = repo
        self._config = config
        self._permissions: dict[str, Permission] = {}
        self._memberships: dict[tuple[str, str], Membership] = {}
        self._verdicts: dict[tuple[str, str], str | None] = {}

    def permission(self, login: str) -> Permission:
        key = login.lower()
        if key not in self._permissions:
            self._permissions[key] = self._github.permission(self._installation_id, self._repo, login)
        return self._permissions[key]

    def membership(self, team: str, login: str) -> Membership:
        key = (team.lower(), login.lower())
        if key not in self._memberships:
            self._memberships[key] = self._github.team_membership(self._installation_id, team, login)
        return self._memberships[key]

    def shortfall(self, login: str, category: str) -> str | None:
        """What of ``category``'s policy ``login`` no longer meets, or None."""
        key = (login.lower(), category)
        if key not in self._verdicts:
            self._verdicts[key] = approving.policy_shortfall(
                self._config.approver_policy(category),
                self.permission(login),
                lambda team: self.membership(team, login),
            )
        return self._verdicts[key]
