"""End-to-end harness: a fake GitHub, the App as a real ``regress serve`` (or ``worker``)
process, and helpers that push commits, open PRs and send signed deliveries."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from regress.webhooks.signature import sign
from tests import gitrepo
from tests.fakegithub import payloads
from tests.fakegithub.server import FakeGitHub

SECRET = "It's a Secret to Everybody"
INSTALLATION = 77
REGRESS = str(Path(sys.executable).with_name("regress"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def delivery_state(data_dir: Path, delivery_id: str) -> str | None:
    """A delivery's state in an embedded service's SQLite database (None: not stored)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(data_dir / "regress.db", timeout=30)) as db:
        row = db.execute("SELECT state FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    return str(row[0]) if row else None


def service_env(fake: FakeGitHub, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGRESS_")}
    env.update(
        {
            "REGRESS_WEBHOOK_SECRET": SECRET,
            "REGRESS_GITHUB_APP_ID": str(fake.app_id),
            "REGRESS_GITHUB_PRIVATE_KEY": fake.private_key,
            "REGRESS_GITHUB_API_URL": fake.api_url,
            "REGRESS_DATA_DIR": str(data_dir),
            "REGRESS_SWEEP_SECONDS": "1",
            "REGRESS_LEASE_SECONDS": "6",
            "REGRESS_RETRY_BASE": "0.05",
            "REGRESS_MAX_RETRY_WAIT": "5",
            "REGRESS_LOG_LEVEL": "INFO",
            "REGRESS_PERMISSION_CACHE_SECONDS": "0.001",
            # Periodic reconcile passes off unless a test asks for them (they call GitHub).
            "REGRESS_RECONCILE_INTERVAL": "0",
            **extra,
        }
    )
    return env


class Process:
    """A ``regress`` subprocess with its stderr (JSON logs) in a file."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen([REGRESS, *args], env=dict(env), stdout=self._out, stderr=subprocess.STDOUT)

    def logs(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


def start_serve(fake: FakeGitHub, data_dir: Path, log: Path, *extra_args: str, **env: str) -> tuple[Process, str]:
    port = free_port()
    proc = Process(["serve", "--port", str(port), *extra_args], service_env(fake, data_dir, **env), log)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if proc.proc.poll() is not None:
            raise AssertionError("regress serve exited:\n" + proc.logs())
        try:
            return httpx.get(url + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(up, 30, "regress serve to start")
    return proc, url


class Hub:
    """Drives a scenario: repositories, pushes, pull requests, comments and deliveries."""

    def __init__(self, fake: FakeGitHub, app_url: str, work: Path) -> None:
        self.fake = fake
        self.app_url = app_url
        self.work = work
        self.client = httpx.Client(timeout=30)
        self.numbers: dict[str, int] = {}

    # -- git -------------------------------------------------------------------------------------
    def repo(self, full_name: str, files: Mapping[str, str], collaborators: dict[str, str] | None = None) -> str:
        """A repository on the fake with ``files`` on main; returns main's commit."""
        self.fake.add_repo(full_name, INSTALLATION, collaborators)
        wt = gitrepo.init(self.work / full_name)
        sha = gitrepo.commit(wt, files, "base")
        self._push(full_name, sha, "refs/heads/main")
        return sha

    def _push(self, full_name: str, sha: str, ref: str, source: str | None = None) -> None:
        bare = self.fake.repos[full_name].bare
        gitrepo.git(self.work / (source or full_name), "push", "-q", "-f", str(bare), f"{sha}:{ref}")

    def commit(
        self, full_name: str, files: Mapping[str, str | None], parent: str, branch: str, source: str | None = None
    ) -> str:
        wt = self.work / (source or full_name)
        gitrepo.git(wt, "checkout", "-q", "-B", branch, parent)
        sha = gitrepo.commit(wt, files, f"change on {branch}")
        self._push(full_name, sha, f"refs/heads/{branch}", source)
        return sha

    # -- deliveries ------------------------------------------------------------------------------
    def deliver(
        self, event: str, payload: dict[str, Any], delivery_id: str | None = None, secret: str = SECRET
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
            "X-Hub-Signature-256": sign(secret, body),
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/fake",
        }
        return self.client.post(self.app_url + "/webhook", content=body, headers=headers)

    def sender(self, login: str, uid: int = 500) -> dict[str, Any]:
        return payloads.user(login, uid)

    def open_pr(
        self,
        full_name: str,
        head: str,
        base: str,
        author: str = "alice",
        number: int | None = None,
        head_repo: str | None = None,
        author_id: int = 501,
    ) -> int:
        number = number or self.numbers.get(full_name, 0) + 1
        self.numbers[full_name] = max(number, self.numbers.get(full_name, 0))
        self.fake.open_pull(full_name, number, head, base, author, author_id, head_repo=head_repo)
        if head_repo:
            # GitHub keeps fork PR heads in the base repository as refs/pull/N/head.
            self._push(full_name, head, f"refs/pull/{number}/head", source=head_repo)
        r = self.deliver("pull_request", self.pr_payload("opened", full_name, number, author))
        assert r.status_code == 202, r.text
        return number

    def pr_payload(self, action: str, full_name: str, number: int, sender: str = "alice") -> dict[str, Any]:
        pr = self.fake.pulls[(full_name, number)]
        head_repo = self.fake.repo_json(pr["head_repo"])
        return payloads.pull_request_event(
            action, pr, self.fake.repo_json(full_name), head_repo, INSTALLATION, self.sender(sender)
        )

    def push_pr(self, full_name: str, number: int, head: str, sender: str = "alice") -> None:
        self.fake.push_pull(full_name, number, head)
        r = self.deliver("pull_request", self.pr_payload("synchronize", full_name, number, sender))
        assert r.status_code == 202, r.text

    def comment(
        self, full_name: str, number: int, login: str, body: str, uid: int = 600, delivery_id: str | None = None
    ) -> httpx.Response:
        c = self.fake.user_comment(full_name, number, login, uid, body)
        pr = self.fake.pulls[(full_name, number)]
        payload = payloads.issue_comment_event(
            c, pr, self.fake.repo_json(full_name), INSTALLATION, payloads.user(login, uid)
        )
        return self.deliver("issue_comment", payload, delivery_id)

    def review(
        self,
        full_name: str,
        number: int,
        login: str,
        body: str | None,
        uid: int = 600,
        commit_id: str | None = None,
        state: str = "commented",
        delivery_id: str | None = None,
    ) -> httpx.Response:
        """Submit a review (on the PR's head unless ``commit_id`` says otherwise) and deliver it."""
        pr = self.fake.pulls[(full_name, number)]
        review = self.fake.user_review(full_name, number, login, uid, body, commit_id or pr["head_sha"], state)
        payload = payloads.pull_request_review_event(
            review,
            pr,
            self.fake.repo_json(full_name),
            self.fake.repo_json(pr["head_repo"]),
            INSTALLATION,
            payloads.user(login, uid),
        )
        return self.deliver("pull_request_review", payload, delivery_id)

    # -- waiting ---------------------------------------------------------------------------------
    def completed(self, full_name: str, head: str, timeout: float = 30.0, count: int = 1) -> dict[str, Any]:
        """The head's check run once it has completed ``count`` times."""

        def done() -> dict[str, Any] | None:
            runs = self.fake.runs_for(full_name, head)
            if runs and runs[0]["status"] == "completed" and runs[0]["history"].count("completed") >= count:
                return runs[0]
            return None

        return wait_until(done, timeout, f"a completed check run on {head[:8]}")  # type: ignore[no-any-return]
