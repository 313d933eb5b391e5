"""The service's configuration, read once from the environment.

Every variable is documented in docs/app.md. The webhook secret is required: an App that accepts
unsigned deliveries lets anyone on the internet trigger analyses and forge approvals (gidgethub's
``Event.from_http(..., secret=None)`` and Atlantis both fail open this way), so the service refuses
to start without it.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PUBLIC_API_URL = "https://api.github.com"
#: A delivery or analysis claimed this many times without finishing (its workers died, or GitHub
#: kept refusing) is given up and reported, so a poison message cannot occupy workers forever.
MAX_ATTEMPTS = 5
#: GitHub does not deliver payloads over 25 MB ("Webhook events and payloads": payload cap).
MAX_BODY_BYTES = 25 * 1024 * 1024


class SettingsError(Exception):
    """The environment does not describe a runnable service; the message says what to set."""


class LogFormat(enum.StrEnum):
    JSON = "json"
    TEXT = "text"


class Permission(enum.StrEnum):
    """Repository roles that may approve, lowest first (``approvals.permission`` in .regress.yml)."""

    WRITE = "write"
    MAINTAIN = "maintain"
    ADMIN = "admin"


@dataclass(frozen=True)
class Settings:
    webhook_secret: str
    app_id: str
    private_key: str
    api_url: str
    data_dir: Path
    database_url: str
    queue_url: str
    workers: int
    log_level: str
    log_format: LogFormat
    #: A job whose worker has not renewed its lease for this long is run again elsewhere.
    lease_seconds: float
    #: How often each worker looks for stored deliveries and work that no queue message covers.
    sweep_seconds: float
    #: The longest wait a GitHub rate limit may impose inside one job; longer ones reschedule it.
    max_retry_wait: float
    #: Retries of one GitHub request on 5xx and timeouts.
    max_retries: int
    #: First backoff step in seconds (doubles per retry).
    retry_base: float
    #: How long a collaborator-permission answer is trusted.
    permission_cache_seconds: float
    #: The nice value of ``regress worker`` processes (0: unchanged).
    worker_nice: int
    #: Seconds between reconcile passes (redeliver failed deliveries, re-scan open PRs); 0: never.
    reconcile_interval: float = 300.0
    #: How far back failed deliveries are redelivered: GitHub keeps them 3 days on github.com and
    #: GHEC, 7 on GHES ("Redelivering webhooks").
    redelivery_days: float = 3.0
    #: At most this many pages are read from one paginated listing in one reconcile pass.
    reconcile_max_pages: int = 20
    #: At most this many pull requests are queued for analysis by one reconcile pass.
    reconcile_max_pulls: int = 200

    @property
    def embedded_queue(self) -> bool:
        return self.queue_url.startswith("sqlite") or not self.queue_url

    @property
    def mirrors_dir(self) -> Path:
        return self.data_dir / "mirrors"

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a log line."""
        return tuple(s for s in (self.webhook_secret, self.private_key) if s)


def _number(env: Mapping[str, str], name: str, default: float, what: str) -> float:
    """The variable as a float (``default`` when unset); the callers check its range."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not {what}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = _number(env, name, default, "a number")
    if not 0 < value < float("inf"):  # also refuses NaN
        raise SettingsError(f"{name} must be positive")
    return value


def _seconds_or_off(env: Mapping[str, str], name: str, default: float) -> float:
    """A period in seconds where 0 switches the thing off."""
    value = _number(env, name, default, "a number of seconds")
    if not 0 <= value < float("inf"):  # also refuses NaN
        raise SettingsError(f"{name} must be 0 (off) or a positive number of seconds")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}")
    return value


def from_env(env: Mapping[str, str] | None = None, *, need_github: bool = True) -> Settings:
    """Read the settings; ``need_github=False`` for commands that only read the database."""
    env = os.environ if env is None else env
    secret = env.get("REGRESS_WEBHOOK_SECRET", "")
    if need_github and not secret:
        raise SettingsError(
            "REGRESS_WEBHOOK_SECRET is not set: refusing to start, since deliveries could not be verified. "
            "Set it to the webhook secret configured in the GitHub App's settings."
        )
    key = env.get("REGRESS_GITHUB_PRIVATE_KEY", "")
    key_file = env.get("REGRESS_GITHUB_PRIVATE_KEY_FILE", "")
    if not key and key_file:
        try:
            key = Path(key_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingsError(f"REGRESS_GITHUB_PRIVATE_KEY_FILE: cannot read {key_file}: {exc.strerror}") from None
    app_id = env.get("REGRESS_GITHUB_APP_ID", "")
    if need_github and (not app_id or not key):
        raise SettingsError(
            "REGRESS_GITHUB_APP_ID and REGRESS_GITHUB_PRIVATE_KEY (or REGRESS_GITHUB_PRIVATE_KEY_FILE) are required "
            "to act as the GitHub App."
        )
    data_dir = Path(env.get("REGRESS_DATA_DIR") or Path.cwd() / "regress-data")
    database_url = env.get("REGRESS_DATABASE_URL") or f"sqlite:///{data_dir / 'regress.db'}"
    queue_url = env.get("REGRESS_QUEUE_URL") or f"sqlite:///{data_dir / 'queue.db'}"
    if not queue_url.startswith(("sqlite:///", "redis://", "rediss://", "unix://")):
        raise SettingsError(f"REGRESS_QUEUE_URL must be sqlite:///PATH or redis://HOST:PORT/DB, not {queue_url!r}")
    try:
        workers = int(env.get("REGRESS_WORKERS") or 2)
    except ValueError:
        raise SettingsError("REGRESS_WORKERS must be a whole number") from None
    if workers < 1:
        raise SettingsError("REGRESS_WORKERS must be at least 1")
    fmt = env.get("REGRESS_LOG_FORMAT") or "json"
    if fmt not in LogFormat.__members__.values():
        raise SettingsError(f"REGRESS_LOG_FORMAT must be json or text, not {fmt!r}")
    return Settings(
        webhook_secret=secret,
        app_id=app_id,
        private_key=key,
        api_url=(env.get("REGRESS_GITHUB_API_URL") or PUBLIC_API_URL).rstrip("/"),
        data_dir=data_dir,
        database_url=database_url,
        queue_url=queue_url,
        workers=workers,
        log_level=(env.get("REGRESS_LOG_LEVEL") or "INFO").upper(),
        log_format=LogFormat(fmt),
        lease_seconds=_float(env, "REGRESS_LEASE_SECONDS", 120.0),
        sweep_seconds=_float(env, "REGRESS_SWEEP_SECONDS", 30.0),
        max_retry_wait=_float(env, "REGRESS_MAX_RETRY_WAIT", 120.0),
        max_retries=int(_float(env, "REGRESS_MAX_RETRIES", 4)),
        retry_base=_float(env, "REGRESS_RETRY_BASE", 1.0),
        permission_cache_seconds=_float(env, "REGRESS_PERMISSION_CACHE_SECONDS", 300.0),
        worker_nice=_int(env, "REGRESS_WORKER_NICE", 0, 0, 19),
        reconcile_interval=_seconds_or_off(env, "REGRESS_RECONCILE_INTERVAL", 300.0),
        redelivery_days=_float(env, "REGRESS_REDELIVERY_DAYS", 3.0),
        reconcile_max_pages=_int(env, "REGRESS_RECONCILE_MAX_PAGES", 20, 1, 10_000),
        reconcile_max_pulls=_int(env, "REGRESS_RECONCILE_MAX_PULLS", 200, 1, 1_000_000),
    )
