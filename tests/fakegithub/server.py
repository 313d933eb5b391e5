"""A fake GitHub over real HTTP on loopback, for end-to-end tests of the App.

- REST: the operations the App calls, every JSON request body validated against GitHub's OpenAPI
  description (``openapi.py``); a body GitHub would refuse gets a 422 and is recorded in
  ``errors``, which tests assert empty. Comment bodies over 65,536 characters get GitHub's
  ``Body is too long`` 422 (the schema does not say it).
- Auth as GitHub does it: ``/app/...`` needs an RS256 App JWT (``iss`` = App id, lifetime ≤ 10
  min); everything else an installation token of an installation that holds the repository.
  Tokens use the long ``ghs_<app id>_<…>`` format with dots and dashes.
- git: the repositories over the smart HTTP protocol through ``git http-backend``, accepting only
  ``x-access-token:<installation token>`` Basic auth.
- Webhooks: ``configure_webhook(url, secret)`` points the App's hook at the service;
  ``send_event(...)`` delivers an event there (signed, as Hookshot does) or records it as a failed
  attempt without sending it, and both appear in ``GET /app/hook/deliveries`` (newest first,
  ``cursor`` pagination). ``POST /app/hook/deliveries/{id}/attempts`` redelivers the stored payload
  with the same ``X-GitHub-Delivery``, asynchronously, and records the new attempt.
- Listings (``/app/installations``, ``/installation/repositories``, ``/repos/{o}/{r}/pulls``) are
  paginated with ``Link`` headers; ``page_size`` caps ``per_page`` so tests can cross pages.
- Faults: ``fail(...)`` makes matching requests answer a given status and headers (5xx, 429
  with Retry-After) a number of times; ``delay(...)`` slows matching requests down.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import os
import re
import secrets
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from regress.webhooks.signature import sign
from tests.fakegithub import openapi, payloads
from tests.gitrepo import ENV as GIT_ENV

COMMENT_LIMIT = 65_536
API = "/api"
#: Operations authenticated with the App's JWT rather than an installation token.
APP_JWT_OPERATIONS = frozenset(
    {
        "apps/create-installation-access-token",
        "apps/list-webhook-deliveries",
        "apps/redeliver-webhook-delivery",
        "apps/list-installations",
    }
)
#: Organization operations: authorized by an installation on the organization, not a repository.
ORG_OPERATIONS = frozenset({"teams/get-membership-for-user-in-org"})
#: The fields of a delivery attempt GitHub lists (``hook-delivery-item``).
DELIVERY_FIELDS = (
    "id",
    "guid",
    "delivered_at",
    "redelivery",
    "duration",
    "status",
    "status_code",
    "event",
    "action",
    "installation_id",
    "repository_id",
    "throttled_at",
)


class Hold:
    """Requests matching ``method`` and ``path`` wait here until ``release()``."""

    def __init__(self, method: str, path: re.Pattern[str]) -> None:
        self.method = method
        self.path = path
        self._released = threading.Event()
        self._lock = threading.Lock()
        #: How many requests have reached the hold (released or not).
        self.reached = 0

    def wait(self, method: str, path: str) -> None:
        if method != self.method or not self.path.search(path) or self._released.is_set():
            return
        with self._lock:
            self.reached += 1
        self._released.wait(timeout=120)

    def release(self) -> None:
        self._released.set()


def new_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    times: int


@dataclass
class Repo:
    id: int
    full_name: str
    installation_id: int
    bare: Path
    collaborators: dict[str, str] = field(default_factory=dict)  # login → role
    fork_of: str | None = None


def _credential(header: str) -> str:
    """The credential of an ``Authorization`` header (``token X``, ``Bearer X``): X."""
    return header.split(" ", 1)[1] if " " in header else ""


class FakeGitHub:
    def __init__(self, root: Path, app_id: int = 4242, app_slug: str = "regress", nice: int = 0) -> None:
        self.root = root
        #: Serve at this nice value (a load benchmark runs GitHub's side on the same cores as the
        #: service under test; in production it runs elsewhere).
        self.nice = nice
        self.app_id = app_id
        self.app_slug = app_slug
        self.private_key = new_private_key()
        self._public_key = serialization.load_pem_private_key(self.private_key.encode(), None).public_key()
        self.lock = threading.RLock()
        self.ids = itertools.count(1000)
        self.repos: dict[str, Repo] = {}
        self.installations: dict[int, set[str]] = {}
        self.tokens: dict[str, tuple[int, float]] = {}
        #: Tokens narrowed to some repositories (by name), and every access-token request body.
        self.token_repos: dict[str, frozenset[str]] = {}
        self.token_requests: list[dict[str, Any]] = []
        self.check_runs: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, dict[str, Any]] = {}
        self.reactions: list[dict[str, Any]] = []
        self.pulls: dict[tuple[str, int], dict[str, Any]] = {}
        self.requests: list[tuple[str, str, int]] = []
        self.errors: list[str] = []
        self.git_auth_failures = 0
        self.seen_authorization: list[str] = []
        self.suspended: set[int] = set()
        #: Teams by ``org/slug``: {login: membership state (active or pending)}.
        self.teams: dict[str, dict[str, str]] = {}
        #: Installations registered without the organization's Members read permission.
        self.without_members: set[int] = set()
        #: Pull-request reviews submitted through ``user_review``.
        self.reviews: dict[int, dict[str, Any]] = {}
        #: Webhook delivery attempts, oldest first (each with its payload under ``body``).
        self.hook_deliveries: list[dict[str, Any]] = []
        self.webhook_url: str | None = None
        self.webhook_secret = ""
        #: The largest ``per_page`` served (GitHub's is 100); lower it to make tests cross pages.
        self.page_size = 100
        self._delivery_ids = itertools.count(90_000_001)
        self._faults: list[Fault] = []
        self._delays: list[tuple[str, re.Pattern[str], float]] = []
        self._holds: list[Hold] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = self.url + API
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test set-up -----------------------------------------------------------------------------
    def add_repo(self, full_name: str, installation_id: int, collaborators: dict[str, str] | None = None) -> Repo:
        bare = self.root / "git" / f"{full_name}.git"
        bare.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True, env=GIT_ENV)
        # GitHub serves any reachable commit by id (fetch by SHA); http-backend needs to be told.
        subprocess.run(["git", "config", "uploadpack.allowAnySHA1InWant", "true"], cwd=bare, check=True, env=GIT_ENV)
        subprocess.run(["git", "config", "http.receivepack", "false"], cwd=bare, check=True, env=GIT_ENV)
        with self.lock:
            repo = Repo(next(self.ids), full_name, installation_id, bare, dict(collaborators or {}))
            self.repos[full_name] = repo
            self.installations.setdefault(installation_id, set()).add(full_name)
        return repo

    def repo_json(self, full_name: str) -> dict[str, Any]:
        repo = self.repos[full_name]
        return {
            "id": repo.id,
            "full_name": full_name,
            "clone_url": f"{self.url}/git/{full_name}.git",
            "html_url": f"https://github.invalid/{full_name}",
            "url": f"{self.api_url}/repos/{full_name}",
            "fork": repo.fork_of is not None,
        }

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int,
        times: int = 1,
        headers: dict[str, str] | None = None,
        message: str = "fake failure",
    ) -> None:
        with self.lock:
            self._faults.append(
                Fault(method, re.compile(path_regex), status, dict(headers or {}), {"message": message}, times)
            )

    def delay(self, method: str, path_regex: str, seconds: float) -> None:
        with self.lock:
            self._delays.append((method, re.compile(path_regex), seconds))

    def hold(self, method: str, path_regex: str) -> Hold:
        """Keep matching requests waiting until the returned hold is released (a test's way to
        make something happen while the App is in the middle of a job)."""
        held = Hold(method, re.compile(path_regex))
        with self.lock:
            self._holds.append(held)
        return held

    def open_pull(
        self,
        repo: str,
        number: int,
        head_sha: str,
        base_sha: str,
        author: str,
        author_id: int,
        head_repo: str | None = None,
        head_ref: str = "feature",
        base_ref: str = "main",
    ) -> dict[str, Any]:
        pr = {
            "number": number,
            "id": next(self.ids),
            "state": "open",
            "head_sha": head_sha,
            "head_ref": head_ref,
            "base_sha": base_sha,
            "base_ref": base_ref,
            "author": author,
            "author_id": author_id,
            "head_repo": head_repo or repo,
            "updated_at": self._now(),
        }
        with self.lock:
            self.pulls[(repo, number)] = pr
        return pr

    def push_pull(self, repo: str, number: int, head_sha: str) -> dict[str, Any]:
        with self.lock:
            pr = self.pulls[(repo, number)]
            pr["before"], pr["head_sha"], pr["updated_at"] = pr["head_sha"], head_sha, self._now()
            return pr

    def user_comment(self, repo: str, number: int, login: str, uid: int, body: str) -> dict[str, Any]:
        cid = next(self.ids)
        comment = {
            "id": cid,
            "body": body,
            "html_url": f"https://github.invalid/{repo}/pull/{number}#issuecomment-{cid}",
            "user": payloads.user(login, uid),
            "performed_via_github_app": None,
            "issue_number": number,
            "repo": repo,
        }
        with self.lock:
            self.comments[cid] = comment
        return comment

    def user_review(
        self, repo: str, number: int, login: str, uid: int, body: str | None, commit_id: str, state: str
    ) -> dict[str, Any]:
        rid = next(self.ids)
        review = {
            "id": rid,
            "body": body,
            "commit_id": commit_id,
            "state": state,
            "html_url": f"https://github.invalid/{repo}/pull/{number}#pullrequestreview-{rid}",
            "user": payloads.user(login, uid),
        }
        with self.lock:
            self.reviews[rid] = review
        return review

    # -- webhooks --------------------------------------------------------------------------------
    def configure_webhook(self, url: str, secret: str) -> None:
        self.webhook_url, self.webhook_secret = url, secret

    def send_event(
        self,
        event: str,
        payload: dict[str, Any],
        guid: str | None = None,
        reach: bool = True,
        age: float = 0.0,
    ) -> dict[str, Any]:
        """Deliver an event to the App's webhook and record the attempt; with ``reach=False`` the
        attempt is recorded as failed (a 502 on the way) and nothing is sent. ``age`` back-dates it."""
        body = json.dumps(payload).encode()
        attempt = self._new_attempt(guid or str(uuid.uuid4()), event, payload, body, redelivery=False, age=age)
        if reach:
            self._post(attempt)
        else:
            attempt.update({"status": "Invalid HTTP Response: 502", "status_code": 502})
        return attempt

    def attempts_for(self, guid: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(a) for a in self.hook_deliveries if a["guid"] == guid]

    def _new_attempt(
        self, guid: str, event: str, payload: dict[str, Any], body: bytes, redelivery: bool, age: float = 0.0
    ) -> dict[str, Any]:
        action = payload.get("action")
        attempt = {
            "id": next(self._delivery_ids),
            "guid": guid,
            "delivered_at": self._now(-age),
            "redelivery": redelivery,
            "duration": 0.0,
            "status": "pending",
            "status_code": 0,
            "event": event,
            "action": action if isinstance(action, str) else None,
            "installation_id": (payload.get("installation") or {}).get("id"),
            "repository_id": (payload.get("repository") or {}).get("id"),
            "throttled_at": None,
            "body": body,
        }
        with self.lock:
            self.hook_deliveries.append(attempt)
        return attempt

    def _post(self, attempt: dict[str, Any]) -> None:
        """Send one attempt as Hookshot does ("Webhook events and payloads": delivery headers)."""
        headers = {
            "X-GitHub-Event": attempt["event"],
            "X-GitHub-Delivery": attempt["guid"],
            "X-GitHub-Hook-ID": "1",
            "X-GitHub-Hook-Installation-Target-ID": str(self.app_id),
            "X-GitHub-Hook-Installation-Target-Type": "integration",
            "X-Hub-Signature-256": sign(self.webhook_secret, attempt["body"]),
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/fake",
        }
        started = time.monotonic()
        try:
            if self.webhook_url is None:
                raise httpx.ConnectError("no webhook URL configured")
            code = httpx.post(self.webhook_url, content=attempt["body"], headers=headers, timeout=10).status_code
            status = "OK" if 200 <= code < 300 else f"Invalid HTTP Response: {code}"
        except httpx.HTTPError:
            code, status = 0, "failed to connect to host"
        with self.lock:
            attempt.update({"status": status, "status_code": code, "duration": round(time.monotonic() - started, 3)})

    def _paged(self, path: str, query: dict[str, list[str]], items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        """A page of ``items`` and its ``Link`` header ("Using pagination in the REST API")."""
        per_page = min(int((query.get("per_page") or ["30"])[0]), self.page_size)
        page = int((query.get("page") or ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        if page * per_page >= len(items):
            return chunk, {}
        return chunk, {"Link": f'<{self.api_url}{path}?per_page={per_page}&page={page + 1}>; rel="next"'}

    # -- what tests look at ----------------------------------------------------------------------
    def runs_for(self, repo: str, head_sha: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.check_runs.values() if r["repo"] == repo and r["head_sha"] == head_sha]

    def comments_on(self, repo: str, number: int, bot: bool | None = None) -> list[dict[str, Any]]:
        with self.lock:
            out = [c for c in self.comments.values() if c["repo"] == repo and c["issue_number"] == number]
        if bot is not None:
            out = [c for c in out if (c["user"]["type"] == "Bot") == bot]
        return sorted(out, key=lambda c: c["id"])

    # -- auth ------------------------------------------------------------------------------------
    @staticmethod
    def _now(offset: float = 0) -> str:
        return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _issue_token(self, installation_id: int, repositories: list[str] | None = None) -> str:
        # The 2026 stateless format: ghs_<app id>_<JWT-like body>, ~520 characters, with . - _
        body = ".".join(base64.urlsafe_b64encode(secrets.token_bytes(n)).decode().rstrip("=") for n in (48, 250, 86))
        token = f"ghs_{self.app_id}_{body}"
        with self.lock:
            self.tokens[token] = (installation_id, time.time() + 3600)
            if repositories is not None:
                self.token_repos[token] = frozenset(repositories)
        return token

    def _token_reaches(self, header: str, full_name: str) -> bool:
        """Whether a token narrowed to some repositories (``repositories`` in the access-token
        request) may touch ``full_name``: GitHub answers 404 for the others."""
        with self.lock:
            narrowed = self.token_repos.get(_credential(header))
        return narrowed is None or full_name.partition("/")[2] in narrowed

    def _check_app_jwt(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "App JWT required"
        try:
            claims = jwt.decode(
                header[7:], self._public_key, algorithms=["RS256"], options={"require": ["iat", "exp", "iss"]}
            )
        except jwt.PyJWTError as exc:
            return f"bad JWT: {exc}"
        if str(claims["iss"]) != str(self.app_id):
            return "JWT issuer is not this App"
        if claims["exp"] - claims["iat"] > 660:
            return "JWT lifetime over 10 minutes"
        return None

    def _token_installation(self, header: str) -> int | None:
        with self.lock:
            found = self.tokens.get(_credential(header))
        if found is None or found[1] < time.time():
            return None
        return found[0]

    # -- HTTP ------------------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                fake._dispatch(self)

            def do_POST(self) -> None:
                fake._dispatch(self)

            def do_PATCH(self) -> None:
                fake._dispatch(self)

        return Handler

    def _read_body(self, h: BaseHTTPRequestHandler) -> bytes:
        if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(h.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    h.rfile.readline()
                    return out
                out += h.rfile.read(size)
                h.rfile.readline()
        length = int(h.headers.get("Content-Length") or 0)
        return h.rfile.read(length) if length else b""

    def _send(self, h: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        if self.nice:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
        url = urlsplit(h.path)
        body = self._read_body(h)
        method = h.command
        for m, pattern, seconds in list(self._delays):
            if m == method and pattern.search(url.path):
                time.sleep(seconds)
        for held in list(self._holds):
            held.wait(method, url.path)
        if url.path.startswith("/git/"):
            self._git(h, url.path[len("/git") :], url.query, body)
            return
        status = self._api(h, method, url.path.removeprefix(API), parse_qs(url.query), body)
        with self.lock:
            self.requests.append((method, url.path, status))

    def _fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for f in self._faults:
                if f.times > 0 and f.method == method and f.path.search(path):
                    f.times -= 1
                    return f
        return None

    def _api(self, h: BaseHTTPRequestHandler, method: str, path: str, query: dict[str, list[str]], raw: bytes) -> int:
        auth = h.headers.get("Authorization", "")
        with self.lock:
            self.seen_authorization.append(auth)
        found = openapi.match(method, path)
        if found is None:
            self._send(h, 404, {"message": f"Not Found: {method} {path}"})
            return 404
        op, params = found
        fault = self._fault(method, path)
        if fault is not None:
            self._send(h, fault.status, fault.body, fault.headers)
            return fault.status
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                self.errors.append(f"{op.id}: body is not JSON")
                self._send(h, 400, {"message": "Problems parsing JSON"})
                return 400
        problems = openapi.validate(op, body if body is not None else {}) if method in ("POST", "PATCH") else []
        if problems:
            with self.lock:
                self.errors.extend(problems)
            self._send(h, 422, {"message": "Validation Failed", "errors": problems})
            return 422
        if op.id in APP_JWT_OPERATIONS:
            why = self._check_app_jwt(auth)
            if why:
                self._send(h, 401, {"message": why})
                return 401
        if op.id == "apps/list-webhook-deliveries":
            return self._list_deliveries(h, query)
        if op.id == "apps/redeliver-webhook-delivery":
            return self._redeliver(h, int(params[0]))
        if op.id == "apps/list-installations":
            return self._list_installations(h, query)
        if op.id == "apps/list-repos-accessible-to-installation":
            return self._list_installation_repos(h, self._token_installation(auth), query)
        if op.id == "apps/create-installation-access-token":
            iid = int(params[0])
            if iid not in self.installations:
                self._send(h, 404, {"message": "Not Found"})
                return 404
            request = body if isinstance(body, dict) else {}
            with self.lock:
                self.token_requests.append(request)
            names = request.get("repositories")
            unknown = [n for n in names or () if not any(f.endswith("/" + n) for f in self.installations[iid])]
            if unknown:
                self._send(h, 422, {"message": f"repositories not in the installation: {unknown}"})
                return 422
            resp = openapi.example(op.id)
            resp.update({"token": self._issue_token(iid, names), "expires_at": self._now(3600), "repositories": []})
            if "permissions" in request:
                resp["permissions"] = request["permissions"]
            self._send(h, 201, resp)
            return 201
        if op.id in ORG_OPERATIONS:
            status, resp = self._org_operation(op.id, auth, params)
            self._send(h, status, resp)
            return status
        owner, name = params[0], params[1]
        full = f"{owner}/{name}"
        iid = self._token_installation(auth)
        if iid is None or full not in self.installations.get(iid, set()) or not self._token_reaches(auth, full):
            self._send(h, 401 if iid is None else 404, {"message": "Bad credentials" if iid is None else "Not Found"})
            return 401 if iid is None else 404
        result = getattr(self, "_" + op.id.replace("/", "_").replace("-", "_"))(full, params[2:], query, body)
        status, resp, headers = result if len(result) == 3 else (*result, None)
        self._send(h, status, resp, headers)
        return status

    # -- App-level operations --------------------------------------------------------------------
    def _list_deliveries(self, h: BaseHTTPRequestHandler, query: dict[str, list[str]]) -> int:
        per_page = min(int((query.get("per_page") or ["30"])[0]), self.page_size)
        cursor = (query.get("cursor") or [None])[0]
        with self.lock:
            newest_first = sorted(self.hook_deliveries, key=lambda a: a["id"], reverse=True)
            if cursor is not None:
                newest_first = [a for a in newest_first if a["id"] < int(cursor)]
            chunk = [{k: a[k] for k in DELIVERY_FIELDS} for a in newest_first[:per_page]]
        headers = {}
        if len(newest_first) > per_page:
            after = chunk[-1]["id"]
            headers["Link"] = f'<{self.api_url}/app/hook/deliveries?per_page={per_page}&cursor={after}>; rel="next"'
        self._send(h, 200, chunk, headers)
        return 200

    def _redeliver(self, h: BaseHTTPRequestHandler, delivery_id: int) -> int:
        with self.lock:
            original = next((a for a in self.hook_deliveries if a["id"] == delivery_id), None)
        if original is None:
            self._send(h, 404, {"message": "Not Found"})
            return 404
        attempt = self._new_attempt(
            original["guid"], original["event"], json.loads(original["body"]), original["body"], redelivery=True
        )
        # GitHub accepts the request and delivers afterwards.
        threading.Thread(target=self._post, args=(attempt,), daemon=True).start()
        self._send(h, 202, {})
        return 202

    def _list_installations(self, h: BaseHTTPRequestHandler, query: dict[str, list[str]]) -> int:
        template = openapi.example("apps/list-installations")[0]
        with self.lock:
            ids = sorted(self.installations)
        items = []
        for iid in ids:
            inst = json.loads(json.dumps(template))
            inst.update(
                {
                    "id": iid,
                    "app_id": self.app_id,
                    "app_slug": self.app_slug,
                    "access_tokens_url": f"{self.api_url}/app/installations/{iid}/access_tokens",
                    "suspended_at": self._now() if iid in self.suspended else None,
                }
            )
            items.append(inst)
        chunk, headers = self._paged("/app/installations", query, items)
        self._send(h, 200, chunk, headers)
        return 200

    def _list_installation_repos(self, h: BaseHTTPRequestHandler, iid: int | None, query: dict[str, list[str]]) -> int:
        if iid is None:
            self._send(h, 401, {"message": "Bad credentials"})
            return 401
        with self.lock:
            names = sorted(self.installations.get(iid, set()))
        repos = [payloads.repository(self.repo_json(n)) for n in names]
        chunk, headers = self._paged("/installation/repositories", query, repos)
        self._send(
            h, 200, {"total_count": len(repos), "repository_selection": "selected", "repositories": chunk}, headers
        )
        return 200

    def _org_operation(self, op_id: str, auth: str, params: tuple[str, ...]) -> tuple[int, Any]:
        """``GET /orgs/{org}/teams/{team_slug}/memberships/{username}`` ("Get team membership for
        a user"): 200 with ``state``, 404 when the user is not a member (or the organization or
        team is not visible), 403 when the installation lacks the Members permission."""
        iid = self._token_installation(auth)
        if iid is None:
            return 401, {"message": "Bad credentials"}
        org, slug, login = params
        with self.lock:
            on_org = any(name.split("/")[0].lower() == org.lower() for name in self.installations.get(iid, set()))
            if not on_org:
                return 404, {"message": "Not Found"}
            if iid in self.without_members:
                return 403, {"message": "Resource not accessible by integration"}
            state = self.teams.get(f"{org}/{slug}".lower(), {}).get(login.lower())
        if state is None:
            return 404, {"message": "Not Found"}
        resp = openapi.example(op_id)
        resp.update({"state": state, "role": "member", "url": f"{self.api_url}/teams/1/memberships/{login}"})
        return 200, resp

    # -- REST operations -------------------------------------------------------------------------
    def _check_run_json(self, run: dict[str, Any]) -> dict[str, Any]:
        out = openapi.example("checks/create")
        out.update({k: v for k, v in run.items() if k not in ("annotations", "repo", "history")})
        out["app"] = {**(out.get("app") or {}), "id": self.app_id, "slug": self.app_slug}
        return out

    def _checks_create(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any]:
        rid = next(self.ids)
        run = {
            "id": rid,
            "repo": repo,
            "name": body["name"],
            "head_sha": body["head_sha"],
            "status": body.get("status", "queued"),
            "conclusion": body.get("conclusion"),
            "output": body.get("output") or {},
            "actions": body.get("actions") or [],
            "details_url": body.get("details_url"),
            "html_url": f"https://github.invalid/{repo}/runs/{rid}",
            "annotations": list((body.get("output") or {}).get("annotations") or []),
            "history": [body.get("status", "queued")],
            "pull_requests": [],
        }
        with self.lock:
            self.check_runs[rid] = run
        return 201, self._check_run_json(run)

    def _checks_update(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any]:
        with self.lock:
            run = self.check_runs.get(int(params[0]))
            if run is None or run["repo"] != repo:
                return 404, {"message": "Not Found"}
            for key in ("status", "conclusion", "details_url", "actions"):
                if key in body:
                    run[key] = body[key]
            if body.get("status"):
                run["history"].append(body["status"])
                if body["status"] != "completed":
                    run["conclusion"] = None
            if "output" in body:
                out = dict(body["output"])
                # "Each time you update the check run, annotations are appended" (docs).
                run["annotations"].extend(out.pop("annotations", []) or [])
                run["output"] = out
            return 200, self._check_run_json(run)

    def _checks_list_for_ref(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any]:
        name = (query.get("check_name") or [None])[0]
        app = (query.get("app_id") or [None])[0]
        runs = [
            self._check_run_json(r)
            for r in self.runs_for(repo, params[0])
            if (name is None or r["name"] == name) and (app is None or int(app) == self.app_id)
        ]
        return 200, {"total_count": len(runs), "check_runs": runs}

    def _comment_json(self, c: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in c.items() if k not in ("issue_number", "repo")}

    def _issues_list_comments(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any]:
        per_page = int((query.get("per_page") or ["30"])[0])
        page = int((query.get("page") or ["1"])[0])
        items = self.comments_on(repo, int(params[0]))
        return 200, [self._comment_json(c) for c in items[(page - 1) * per_page : page * per_page]]

    def _issues_create_comment(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any]:
        if len(body["body"]) > COMMENT_LIMIT:
            self.errors.append(f"comment body of {len(body['body'])} characters")
            return 422, {"message": "Body is too long (maximum is 65536 characters)"}
        cid = next(self.ids)
        comment = {
            "id": cid,
            "body": body["body"],
            "html_url": f"https://github.invalid/{repo}/pull/{params[0]}#issuecomment-{cid}",
            "user": payloads.user(f"{self.app_slug}[bot]", 9999, bot=True),
            "performed_via_github_app": {"id": self.app_id, "slug": self.app_slug},
            "issue_number": int(params[0]),
            "repo": repo,
            "edits": 0,
        }
        with self.lock:
            self.comments[cid] = comment
        return 201, self._comment_json(comment)

    def _issues_update_comment(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any]:
        if len(body["body"]) > COMMENT_LIMIT:
            self.errors.append(f"comment body of {len(body['body'])} characters")
            return 422, {"message": "Body is too long (maximum is 65536 characters)"}
        with self.lock:
            c = self.comments.get(int(params[0]))
            if c is None or c["repo"] != repo:
                return 404, {"message": "Not Found"}
            c["body"] = body["body"]
            c["edits"] = c.get("edits", 0) + 1
            return 200, self._comment_json(c)

    def _reactions_create_for_issue_comment(
        self, repo: str, params: tuple[str, ...], query: Any, body: Any
    ) -> tuple[int, Any]:
        with self.lock:
            self.reactions.append({"comment_id": int(params[0]), "content": body["content"]})
        return 201, {
            "id": next(self.ids),
            "content": body["content"],
            "user": payloads.user("regress[bot]", 9999, True),
        }

    def _repos_get_collaborator_permission_level(
        self, repo: str, params: tuple[str, ...], query: Any, body: Any
    ) -> tuple[int, Any]:
        login = params[0]
        role = self.repos[repo].collaborators.get(login)
        if role is None:
            return 404, {"message": "Not Found"}
        legacy = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read"}[role]
        order = ["read", "triage", "write", "maintain", "admin"]
        flags = {
            "pull": True,
            "triage": order.index(role) >= 1,
            "push": order.index(role) >= 2,
            "maintain": order.index(role) >= 3,
            "admin": role == "admin",
        }
        u = payloads.user(login, 1)
        u["permissions"] = flags
        u["role_name"] = role
        return 200, {"permission": legacy, "role_name": role, "user": u}

    def _pulls_list(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any, Any]:
        state = (query.get("state") or ["open"])[0]
        with self.lock:
            prs = [
                pr for (name, _), pr in self.pulls.items() if name == repo and (state == "all" or pr["state"] == state)
            ]
        # Newest first, GitHub's default order (``sort=created``, ``direction=desc``).
        prs.sort(key=lambda pr: pr["number"], reverse=True)
        items = [payloads.pull_request_object(pr, self.repo_json(repo), self.repo_json(pr["head_repo"])) for pr in prs]
        chunk, headers = self._paged(f"/repos/{repo}/pulls", query, items)
        return 200, chunk, headers

    def _pulls_get(self, repo: str, params: tuple[str, ...], query: Any, body: Any) -> tuple[int, Any]:
        pr = self.pulls.get((repo, int(params[0])))
        if pr is None:
            return 404, {"message": "Not Found"}
        return 200, payloads.pull_request_object(pr, self.repo_json(repo), self.repo_json(pr["head_repo"]))

    # -- git smart HTTP ----------------------------------------------------------------------------
    def _git(self, h: BaseHTTPRequestHandler, path: str, query: str, body: bytes) -> None:
        m = re.match(r"^/([^/]+/[^/]+?\.git)(/.*)$", path)
        repo = self.repos.get(m.group(1).removesuffix(".git")) if m else None
        auth = h.headers.get("Authorization", "")
        ok = False
        if repo is not None and auth.startswith("Basic "):
            user, _, token = base64.b64decode(auth[6:]).decode(errors="replace").partition(":")
            iid = self._token_installation(f"token {token}")
            ok = (
                user == "x-access-token"
                and iid is not None
                and repo.full_name in self.installations.get(iid, set())
                and self._token_reaches(f"token {token}", repo.full_name)
            )
        if not ok:
            with self.lock:
                self.git_auth_failures += 1
            h.send_response(401)
            h.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        assert m is not None and repo is not None
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_PROJECT_ROOT": str(repo.bare.parent.parent),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": f"/{m.group(1)}{m.group(2)}",
            "REQUEST_METHOD": h.command,
            "QUERY_STRING": query,
            "CONTENT_TYPE": h.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": "x-access-token",
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        if h.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = h.headers["Content-Encoding"]
        if h.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = h.headers["Git-Protocol"]
        proc = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=False)
        head, _, payload = proc.stdout.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers.append((key, value.strip()))
        h.send_response(status)
        for key, value in headers:
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)
        with self.lock:
            self.requests.append((h.command, "/git" + path, status))
