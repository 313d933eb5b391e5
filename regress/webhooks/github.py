"""GitHub's REST API for the App, on githubkit: installation tokens, check runs, comments,
reactions, collaborator permissions and team memberships, with the retry policy GitHub asks for.

The rest of the service talks to the :class:`GitHubApi` protocol, so the library can be swapped.

Retries ("Rate limits for the REST API", "About secondary rate limits", "Best practices for using
the REST API"): on 403/429 obey ``retry-after``; when ``x-ratelimit-remaining`` is 0 wait until
``x-ratelimit-reset``; a secondary limit without either waits at least a minute, doubling. 5xx
answers and timeouts back off exponentially. A wait longer than ``max_retry_wait`` is not slept
inside a job: :class:`RetryLater` tells the worker to reschedule the job instead.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

import httpx
from githubkit import AppAuthStrategy, GitHub, TokenAuthStrategy
from githubkit.exception import GitHubException, RateLimitExceeded, RequestFailed, RequestTimeout
from githubkit.retry import RetryOption
from githubkit.utils import UNSET

from regress.webhooks.settings import Settings

#: Refresh an installation token this long before it expires (githubkit caches with a 1-minute
#: margin too; "Authenticating as a GitHub App installation": tokens last one hour).
TOKEN_MARGIN = dt.timedelta(minutes=5)
USER_AGENT = "regress-app"
#: The largest page GitHub serves ("Using pagination in the REST API": ``per_page`` max 100).
PER_PAGE = 100


class RetryLater(Exception):
    """GitHub asked us to wait longer than a job should block; reschedule after ``delay`` seconds."""

    def __init__(self, delay: float, reason: str) -> None:
        super().__init__(reason)
        self.delay = delay


@dataclass(frozen=True)
class Token:
    value: str
    expires: dt.datetime


@dataclass(frozen=True)
class RepoRef:
    owner: str
    name: str

    @classmethod
    def parse(cls, full_name: str) -> RepoRef:
        owner, _, name = full_name.partition("/")
        return cls(owner, name)

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"


class GitHubApi(Protocol):
    def installation_token(self, installation_id: int) -> str: ...
    def fetch_token(self, installation_id: int, repo: RepoRef) -> str: ...
    def create_check_run(self, installation_id: int, repo: RepoRef, body: Mapping[str, Any]) -> dict[str, Any]: ...
    def update_check_run(
        self, installation_id: int, repo: RepoRef, check_run_id: int, body: Mapping[str, Any]
    ) -> dict[str, Any]: ...
    def find_check_runs(
        self, installation_id: int, repo: RepoRef, head_sha: str, name: str
    ) -> list[dict[str, Any]]: ...
    def list_comments(self, installation_id: int, repo: RepoRef, number: int) -> Iterator[dict[str, Any]]: ...
    def create_comment(self, installation_id: int, repo: RepoRef, number: int, body: str) -> dict[str, Any]: ...
    def update_comment(
        self, installation_id: int, repo: RepoRef, comment_id: int, body: str
    ) -> dict[str, Any] | None: ...
    def react(self, installation_id: int, repo: RepoRef, comment_id: int, content: str) -> None: ...
    def permission(self, installation_id: int, repo: RepoRef, login: str) -> Permission: ...
    def team_membership(self, installation_id: int, team: str, login: str) -> Membership: ...
    def get_pull(self, installation_id: int, repo: RepoRef, number: int) -> dict[str, Any]: ...
    def hook_deliveries(self, cursor: str | None) -> Page: ...
    def redeliver(self, delivery_id: int) -> None: ...
    def installations(self, page: int) -> Page: ...
    def installation_repositories(self, installation_id: int, page: int) -> Page: ...
    def open_pulls(self, installation_id: int, repo: RepoRef, page: int) -> Page: ...


@dataclass(frozen=True)
class Page:
    """One page of a listing, and where the next one starts (GitHub's ``Link: <…>; rel="next"``):
    a ``cursor`` for hook deliveries, a ``page`` number elsewhere; None on the last page."""

    items: list[dict[str, Any]]
    next: str | None


def next_param(response: httpx.Response, param: str) -> str | None:
    """The ``param`` query value of the response's ``rel="next"`` link ("Using pagination in the
    REST API": follow the Link header rather than computing pages)."""
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    values = httpx.URL(link).params.get_list(param)
    return values[0] if values else None


@dataclass(frozen=True)
class Permission:
    """What ``repos/get-collaborator-permission-level`` says about a user."""

    #: Legacy level: admin, write, read or none (maintain reads as write, triage as read).
    permission: str
    #: The role: admin, maintain, write, triage, read, or a custom role's name.
    role_name: str
    #: ``user.permissions`` booleans, when GitHub returns them (admin, maintain, push, triage, pull).
    flags: Mapping[str, bool]

    def at_least(self, level: str) -> bool:
        """Does the user hold ``level`` (write, maintain or admin)? Prefer the explicit booleans;
        fall back to the role name, then to the legacy level."""
        flag = {"write": "push", "maintain": "maintain", "admin": "admin"}[level]
        if flag in self.flags:
            return bool(self.flags[flag])
        ranks = {"read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}
        need = ranks[level]
        if self.role_name in ranks:
            return ranks[self.role_name] >= need
        return ranks.get(self.permission, 0) >= need


class Membership(enum.StrEnum):
    """What ``teams/get-membership-for-user-in-org`` says about a user and one team."""

    #: ``state: active``.
    ACTIVE = "active"
    #: ``state: pending`` (invited, not yet accepted), or 404: not a member (GitHub answers 404
    #: for a team the App cannot see, too).
    NOT_MEMBER = "not a member"
    #: 403: the installation lacks the organization's Members read permission.
    UNREADABLE = "unreadable"


class RetryPolicy:
    """githubkit ``auto_retry`` decision: which failures to retry, after how long."""

    def __init__(self, max_retries: int, base: float, max_wait: float) -> None:
        self.max_retries = max_retries
        self.base = base
        self.max_wait = max_wait

    def __call__(self, exc: GitHubException, count: int) -> RetryOption:
        if count >= self.max_retries:
            return RetryOption(False)
        wait = self.wait_for(exc, count)
        if wait is None or wait > self.max_wait:
            return RetryOption(False)
        # githubkit sleeps 60 s for a zero (falsy) timedelta: a reset already past means "now".
        return RetryOption(True, dt.timedelta(seconds=max(wait, 0.05)))

    def wait_for(self, exc: BaseException, count: int) -> float | None:
        backoff = self.base * (1 << count)
        if isinstance(exc, RateLimitExceeded):
            # githubkit computed it from retry-after, else x-ratelimit-reset, else 60 s.
            return max(exc.retry_after.total_seconds(), 0.0)
        if isinstance(exc, RequestFailed):
            status = exc.response.status_code
            if status in (403, 429) and "secondary rate limit" in exc.response.text.lower():
                return max(60.0 * (1 << count), backoff)
            if status == 429:
                return max(60.0, backoff)
            if status >= 500:
                return backoff
            return None
        if isinstance(exc, RequestTimeout | httpx.TransportError) or type(exc).__name__ == "RequestError":
            return backoff
        return None


class GitHubClient:
    """The App's client: one per process; tokens and permission answers cached per installation."""

    def __init__(self, settings: Settings, on_response: Callable[[httpx.Response], None] | None = None) -> None:
        self.settings = settings
        self.retry = RetryPolicy(settings.max_retries, settings.retry_base, settings.max_retry_wait)
        self._hooks = {"response": [on_response]} if on_response else None
        self._app = GitHub(
            AppAuthStrategy(settings.app_id, settings.private_key),
            base_url=settings.api_url + "/",
            user_agent=USER_AGENT,
            timeout=30.0,
            http_cache=False,
            auto_retry=self.retry,
            event_hooks=self._hooks,
        )
        self._lock = threading.Lock()
        #: By (installation, repository the token is narrowed to, or None for the whole installation).
        self._tokens: dict[tuple[int, str | None], Token] = {}
        self._clients: dict[int, tuple[str, GitHub[TokenAuthStrategy]]] = {}
        self._permissions: dict[tuple[int, str, str], tuple[float, Permission]] = {}
        self._memberships: dict[tuple[int, str, str], tuple[float, Membership]] = {}

    # -- authentication --------------------------------------------------------------------------
    def installation_token(self, installation_id: int) -> str:
        """A token for everything the App does in the installation (its REST calls)."""
        return self._token(installation_id, None)

    def fetch_token(self, installation_id: int, repo: RepoRef) -> str:
        """A token that can only read one repository's contents: what ``git fetch`` gets. It sits
        in a git subprocess's environment, so it is narrowed to what that process needs (GitHub
        docs, "Generating an installation access token": ``repositories`` and ``permissions``)."""
        return self._token(installation_id, repo.name)

    def _token(self, installation_id: int, repository: str | None) -> str:
        now = dt.datetime.now(dt.UTC)
        key = (installation_id, repository)
        with self._lock:
            cached = self._tokens.get(key)
            if cached and cached.expires - TOKEN_MARGIN > now:
                return cached.value
        if repository is None:
            resp = self._call(lambda: self._app.rest.apps.create_installation_access_token(installation_id))
        else:
            resp = self._call(
                lambda: self._app.rest.apps.create_installation_access_token(
                    installation_id, data={"repositories": [repository], "permissions": {"contents": "read"}}
                )
            )
        data = resp.json()
        expires = dt.datetime.fromisoformat(str(data["expires_at"]).replace("Z", "+00:00"))
        token = Token(str(data["token"]), expires)
        with self._lock:
            self._tokens[key] = token
        return token.value

    def forget_installation(self, installation_id: int) -> None:
        with self._lock:
            for key in [k for k in self._tokens if k[0] == installation_id]:
                del self._tokens[key]
            self._clients.pop(installation_id, None)

    def _gh(self, installation_id: int) -> GitHub[TokenAuthStrategy]:
        token = self.installation_token(installation_id)
        with self._lock:
            cached = self._clients.get(installation_id)
            if cached and cached[0] == token:
                return cached[1]
            client = GitHub(
                TokenAuthStrategy(token),
                base_url=self.settings.api_url + "/",
                user_agent=USER_AGENT,
                timeout=30.0,
                http_cache=False,
                auto_retry=self.retry,
                event_hooks=self._hooks,
            )
            self._clients[installation_id] = (token, client)
            return client

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run one request (githubkit retries inside); turn a too-long wait into RetryLater."""
        try:
            return fn()
        except GitHubException as exc:
            wait = self.retry.wait_for(exc, 0)
            if wait is not None and (wait > self.retry.max_wait or isinstance(exc, RateLimitExceeded)):
                raise RetryLater(wait, f"GitHub asked to wait {wait:.0f}s: {type(exc).__name__}") from exc
            if wait is not None:
                raise RetryLater(max(wait, 5.0), f"GitHub kept failing: {describe(exc)}") from exc
            raise

    # -- check runs ------------------------------------------------------------------------------
    def create_check_run(self, installation_id: int, repo: RepoRef, body: Mapping[str, Any]) -> dict[str, Any]:
        gh = self._gh(installation_id)
        resp = self._call(lambda: gh.rest.checks.create(repo.owner, repo.name, data=cast(Any, dict(body))))
        return cast(dict[str, Any], resp.json())

    def update_check_run(
        self, installation_id: int, repo: RepoRef, check_run_id: int, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        gh = self._gh(installation_id)
        resp = self._call(
            lambda: gh.rest.checks.update(repo.owner, repo.name, check_run_id, data=cast(Any, dict(body)))
        )
        return cast(dict[str, Any], resp.json())

    def find_check_runs(self, installation_id: int, repo: RepoRef, head_sha: str, name: str) -> list[dict[str, Any]]:
        gh = self._gh(installation_id)
        resp = self._call(
            lambda: gh.rest.checks.list_for_ref(
                repo.owner, repo.name, head_sha, check_name=name, app_id=int(self.settings.app_id), filter_="all"
            )
        )
        return list(resp.json().get("check_runs", []))

    # -- comments --------------------------------------------------------------------------------
    def list_comments(self, installation_id: int, repo: RepoRef, number: int) -> Iterator[dict[str, Any]]:
        gh = self._gh(installation_id)
        page = 1
        while True:

            def fetch(p: int = page) -> Any:
                return gh.rest.issues.list_comments(repo.owner, repo.name, number, per_page=100, page=p)

            resp = self._call(fetch)
            items = resp.json()
            yield from items
            if len(items) < 100:
                return
            page += 1

    def create_comment(self, installation_id: int, repo: RepoRef, number: int, body: str) -> dict[str, Any]:
        gh = self._gh(installation_id)
        resp = self._call(lambda: gh.rest.issues.create_comment(repo.owner, repo.name, number, body=body))
        return cast(dict[str, Any], resp.json())

    def update_comment(self, installation_id: int, repo: RepoRef, comment_id: int, body: str) -> dict[str, Any] | None:
        """Edit a comment; None when it is gone (deleted by someone)."""
        gh = self._gh(installation_id)
        try:
            resp = self._call(lambda: gh.rest.issues.update_comment(repo.owner, repo.name, comment_id, body=body))
        except RequestFailed as exc:
            if exc.response.status_code in (404, 410):
                return None
            raise
        return cast(dict[str, Any], resp.json())

    def react(self, installation_id: int, repo: RepoRef, comment_id: int, content: str) -> None:
        gh = self._gh(installation_id)
        self._call(
            lambda: gh.rest.reactions.create_for_issue_comment(
                repo.owner, repo.name, comment_id, content=cast(Any, content)
            )
        )

    # -- people and pull requests ----------------------------------------------------------------
    def permission(self, installation_id: int, repo: RepoRef, login: str) -> Permission:
        key = (installation_id, str(repo).lower(), login.lower())
        now = time.monotonic()
        with self._lock:
            cached = self._permissions.get(key)
            if cached and cached[0] > now:
                return cached[1]
        gh = self._gh(installation_id)
        try:
            resp = self._call(lambda: gh.rest.repos.get_collaborator_permission_level(repo.owner, repo.name, login))
            data = resp.json()
        except RequestFailed as exc:
            if exc.response.status_code != 404:
                raise
            data = {"permission": "none", "role_name": "none", "user": None}  # not a collaborator
        user = data.get("user") or {}
        perm = Permission(
            permission=str(data.get("permission") or "none"),
            role_name=str(data.get("role_name") or data.get("permission") or "none"),
            flags={k: bool(v) for k, v in (user.get("permissions") or {}).items()},
        )
        with self._lock:
            self._permissions[key] = (now + self.settings.permission_cache_seconds, perm)
        return perm

    def team_membership(self, installation_id: int, team: str, login: str) -> Membership:
        """Is ``login`` an active member of ``team`` (``org/team-slug``)? "Get team membership for
        a user" (``GET /orgs/{org}/teams/{team_slug}/memberships/{username}``): 200 with ``state``
        active or pending, 404 when the user is not a member; the App needs the organization's
        Members read permission, without it GitHub answers 403. Cached like permissions."""
        key = (installation_id, team.lower(), login.lower())
        now = time.monotonic()
        with self._lock:
            cached = self._memberships.get(key)
            if cached and cached[0] > now:
                return cached[1]
        org, _, slug = team.partition("/")
        gh = self._gh(installation_id)
        try:
            resp = self._call(lambda: gh.rest.teams.get_membership_for_user_in_org(org, slug, login))
            state = str(resp.json().get("state") or "")
            found = Membership.ACTIVE if state == "active" else Membership.NOT_MEMBER
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                found = Membership.NOT_MEMBER
            elif exc.response.status_code == 403:
                found = Membership.UNREADABLE
            else:
                raise
        with self._lock:
            self._memberships[key] = (now + self.settings.permission_cache_seconds, found)
        return found

    def get_pull(self, installation_id: int, repo: RepoRef, number: int) -> dict[str, Any]:
        gh = self._gh(installation_id)
        resp = self._call(lambda: gh.rest.pulls.get(repo.owner, repo.name, number))
        return cast(dict[str, Any], resp.json())

    # -- the reconciler's listings -----------------------------------------------------------------
    def hook_deliveries(self, cursor: str | None) -> Page:
        """A page of the App's webhook deliveries, newest first (App JWT)."""
        resp = self._call(
            lambda: self._app.rest.apps.list_webhook_deliveries(per_page=PER_PAGE, cursor=cursor or UNSET)
        )
        return Page(list(resp.json()), next_param(resp.raw_response, "cursor"))

    def redeliver(self, delivery_id: int) -> None:
        self._call(lambda: self._app.rest.apps.redeliver_webhook_delivery(delivery_id))

    def installations(self, page: int) -> Page:
        resp = self._call(lambda: self._app.rest.apps.list_installations(per_page=PER_PAGE, page=page))
        return Page(list(resp.json()), next_param(resp.raw_response, "page"))

    def installation_repositories(self, installation_id: int, page: int) -> Page:
        gh = self._gh(installation_id)
        resp = self._call(lambda: gh.rest.apps.list_repos_accessible_to_installation(per_page=PER_PAGE, page=page))
        return Page(list(resp.json().get("repositories") or []), next_param(resp.raw_response, "page"))

    def open_pulls(self, installation_id: int, repo: RepoRef, page: int) -> Page:
        gh = self._gh(installation_id)
        resp = self._call(lambda: gh.rest.pulls.list(repo.owner, repo.name, state="open", per_page=PER_PAGE, page=page))
        return Page(list(resp.json()), next_param(resp.raw_response, "page"))


def describe(exc: BaseException) -> str:
    if isinstance(exc, RequestFailed):
        return f"HTTP {exc.response.status_code} from {exc.request.method} {exc.request.url.path}"
    return f"{type(exc).__name__}: {exc}"
