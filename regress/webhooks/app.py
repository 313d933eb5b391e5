"""The web side: ``POST /webhook`` intake, ``/healthz``, ``/readyz`` and ``/metrics``.

Intake does the least that makes a delivery safe, and answers within milliseconds (GitHub gives up
after 10 s, "Best practices for using webhooks"): cap the body at 25 MB, verify the signature on
the raw bytes before parsing anything (401 and nothing stored otherwise), read the few routing
fields, store the delivery keyed by ``X-GitHub-Delivery`` (a duplicate or redelivery is a 200
no-op), enqueue it, and answer 202.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from regress.webhooks import events, logs, signature
from regress.webhooks.service import Service
from regress.webhooks.settings import MAX_BODY_BYTES

log = logging.getLogger("regress.webhooks.intake")


def _json(code: int, **body: Any) -> JSONResponse:
    return JSONResponse(body, status_code=code)


async def _read_capped(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(service: Service) -> FastAPI:
    app = FastAPI(title="regress", docs_url=None, redoc_url=None, openapi_url=None)
    metrics = service.metrics

    @app.post("/webhook")
    async def webhook(request: Request) -> Response:
        started = time.perf_counter()
        event = request.headers.get("x-github-event", "")
        delivery = request.headers.get("x-github-delivery", "")
        token = logs.delivery_id.set(delivery or None)
        try:
            body = await _read_capped(request)
            if body is None:
                metrics.deliveries.labels(event=event or "unknown", outcome="too_large").inc()
                return _json(413, error="payload over 25 MB")
            if not signature.verify(service.settings.webhook_secret, body, request.headers.get("x-hub-signature-256")):
                metrics.deliveries.labels(event=event or "unknown", outcome="bad_signature").inc()
                log.warning("rejected: bad or missing signature", extra={"event": event, "outcome": "bad_signature"})
                return _json(401, error="bad signature")
            if not event or not delivery or len(delivery) > 200:
                metrics.deliveries.labels(event=event or "unknown", outcome="bad_request").inc()
                return _json(400, error="X-GitHub-Event and X-GitHub-Delivery are required")
            if event == "ping":
                metrics.deliveries.labels(event=event, outcome="ping").inc()
                return _json(200, status="pong")
            try:
                payload = json.loads(body)
            except ValueError:
                metrics.deliveries.labels(event=event, outcome="bad_request").inc()
                return _json(400, error="body is not JSON")
            if not isinstance(payload, dict):
                return _json(400, error="body is not a JSON object")
            action = events.action_of(payload)
            if not events.handled(event, action):
                metrics.deliveries.labels(event=event, outcome="ignored").inc()
                return _json(200, status="ignored")
            repo = events.repo_of(payload)
            stored = await run_in_threadpool(
                service.accept,
                delivery,
                event,
                action,
                events.installation_of(payload),
                repo.full_name if repo else None,
                body,
            )
            outcome = "accepted" if stored else "duplicate"
            metrics.deliveries.labels(event=event, outcome=outcome).inc()
            log.info(
                "delivery %s",
                outcome,
                extra={
                    "event": event,
                    "action": action,
                    "repo": repo.full_name if repo else None,
                    "outcome": outcome,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return _json(202 if stored else 200, status=outcome)
        finally:
            logs.delivery_id.reset(token)

    @app.get("/healthz")
    async def healthz() -> Response:
        return _json(200, status="ok")

    @app.get("/readyz")
    async def readyz() -> Response:
        problems = {}
        try:
            await run_in_threadpool(service.store.ping)
        except Exception as exc:  # noqa: BLE001 - report, do not crash
            problems["database"] = type(exc).__name__
        try:
            await run_in_threadpool(service.huey.pending_count)
        except Exception as exc:  # noqa: BLE001
            problems["queue"] = type(exc).__name__
        if problems:
            return _json(503, status="unavailable", problems=problems)
        return _json(200, status="ready")

    @app.get("/metrics")
    async def metrics_endpoint() -> Response:
        data = await run_in_threadpool(metrics.render)
        return PlainTextResponse(data, media_type="text/plain; version=0.0.4; charset=utf-8")

    return app
