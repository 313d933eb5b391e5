"""Webhook signatures ("Validating webhook deliveries"): ``X-Hub-Signature-256`` is ``sha256=``
and the hex HMAC-SHA256 of the raw body keyed with the webhook secret, compared in constant time.
The legacy SHA-1 ``X-Hub-Signature`` is ignored."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(secret, body).encode(), header.strip().encode())
