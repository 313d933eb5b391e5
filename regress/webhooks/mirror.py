"""A bare mirror per repository, into which the two commits of a change are fetched.

- Authenticated with the installation token as an HTTP header given through git's config
  environment (``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``, git-config(1)
  "ENVIRONMENT"): never in a URL, never in the mirror's config on disk, never in a log or an
  error message (git's own stderr is redacted before it is shown).
- Fetched by commit id (GitHub serves any reachable commit by id, so fork PR heads come from the
  base repository); each fetched commit is kept under ``refs/regress/`` so ``git gc`` keeps it.
- Never checked out, hooks disabled, no credential helpers, no terminal prompts: PR code is read
  as git objects by the engine and nothing from it ever runs.
- One lock file per mirror serialises fetches between workers on one machine.
"""

from __future__ import annotations

import base64
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from regress.webhooks.logs import redact

FETCH_TIMEOUT = 600


class FetchError(Exception):
    """The commits could not be fetched (the message is safe to show and to log)."""


def _env(token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    settings = [
        ("core.hooksPath", os.devnull),
        ("credential.helper", ""),
        ("protocol.file.allow", "never"),
        ("protocol.ext.allow", "never"),
        ("transfer.fsckObjects", "true"),
        ("gc.auto", "0"),
    ]
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        settings.append(("http.extraHeader", f"Authorization: Basic {basic}"))
    env["GIT_CONFIG_COUNT"] = str(len(settings))
    for i, (key, value) in enumerate(settings):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/false", "GIT_CONFIG_NOSYSTEM": "1"})
    return env


def _git(args: Sequence[str], cwd: Path, token: str | None = None, timeout: int = FETCH_TIMEOUT) -> str:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, env=_env(token), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise FetchError(f"git {args[0]} timed out after {timeout}s") from None
    if proc.returncode != 0:
        secrets = [token] if token else []
        raise FetchError(f"git {args[0]} failed: {redact(proc.stderr.strip()[-2000:], secrets)}")
    return proc.stdout


class Mirrors:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, repo_id: int) -> Path:
        # By id, not name: a renamed or transferred repository keeps its mirror.
        return self.root / f"{repo_id}.git"

    @contextmanager
    def _locked(self, repo_id: int) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f"{repo_id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _ensure(self, repo_id: int) -> Path:
        path = self.path(repo_id)
        if (path / "HEAD").exists():
            return path
        tmp = Path(tempfile.mkdtemp(prefix=f".{repo_id}-", dir=self.root))
        _git(["init", "--quiet", "--bare", str(tmp)], self.root)
        os.replace(tmp, path)
        return path

    def has(self, path: Path, sha: str) -> bool:
        try:
            _git(["cat-file", "-e", f"{sha}^{{commit}}"], path, timeout=60)
        except FetchError:
            return False
        return True

    def fetch(self, repo_id: int, clone_url: str, shas: Sequence[str], token: str) -> Path:
        """Make ``shas`` (and their history) present in the repository's mirror; returns its path."""
        if "@" in clone_url.split("://", 1)[-1].split("/", 1)[0]:
            raise FetchError("refusing a clone URL with credentials in it")
        with self._locked(repo_id):
            path = self._ensure(repo_id)
            missing = [s for s in dict.fromkeys(shas) if not self.has(path, s)]
            if missing:
                refspecs = [f"+{s}:refs/regress/{s}" for s in missing]
                _git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", clone_url, *refspecs], path, token)
            return path

    def remove(self, repo_id: int) -> None:
        with self._locked(repo_id):
            shutil.rmtree(self.path(repo_id), ignore_errors=True)
        (self.root / f"{repo_id}.lock").unlink(missing_ok=True)
