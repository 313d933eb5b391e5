"""Structured logs: one JSON object per line, carrying the delivery id, with secrets redacted.

Tokens must never reach a log: installation tokens (``ghs_…``, which since the 2026 format change
are long, variable-length and contain ``.``, ``-`` and ``_``: GitHub changelog "Notice about
upcoming new format for GitHub App installation tokens"), other GitHub token prefixes, JWTs,
``Authorization`` header values and credentials in URLs are masked by pattern, and the configured
secrets by value, in the message and in any exception text.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable

from regress.webhooks.settings import LogFormat

delivery_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("delivery_id", default=None)

_PATTERNS = [
    # GitHub tokens: ghp_ gho_ ghu_ ghs_ ghr_ github_pat_, any length, dotted bodies included.
    re.compile(r"\b(?:gh[pousr]|github_pat)_[A-Za-z0-9_.\-]+"),
    # JWTs (the App's own, and any other).
    re.compile(r"\beyJ[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"),
    # Authorization headers: Bearer/token/Basic values.
    re.compile(r"(?i)\b(authorization:?\s*(?:bearer|token|basic)?\s*)[^\s\"']+"),
    re.compile(r"(?i)\b(bearer|token|basic)\s+[A-Za-z0-9_.\-+/=]{16,}"),
    # user:password@ in URLs.
    re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+@"),
]
MASK = "[redacted]"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, MASK)
            # A PEM key may be logged line by line.
            for line in secret.splitlines():
                if len(line) >= 16:
                    text = text.replace(line, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() and m.group(1) else "") + MASK, text)
    return text


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: LogFormat, secrets: Iterable[str]) -> None:
        super().__init__()
        self.fmt = fmt
        self.secrets = tuple(secrets)

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        message = redact(message, self.secrets)
        did = getattr(record, "delivery_id", None) or delivery_id.get()
        if self.fmt is LogFormat.TEXT:
            return f"{record.levelname} {record.name}{f' [{did}]' if did else ''}: {message}"
        out: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": message,
        }
        if did:
            out["delivery_id"] = did
        for key in ("event", "action", "repo", "pr", "head_sha", "outcome", "duration_ms", "status"):
            value = getattr(record, key, None)
            if value is not None:
                out[key] = redact(str(value), self.secrets) if isinstance(value, str) else value
        return json.dumps(out, ensure_ascii=False)


def setup(level: str, fmt: LogFormat, secrets: Iterable[str]) -> None:
    """Route every logger (ours, uvicorn's, huey's, httpx's) through the redacting formatter."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(fmt, secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "huey", "huey.consumer"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
    # httpx logs every request URL at INFO; URLs carry no tokens, but keep the noise down.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLevelName(level)))
