"""Intake over HTTP (FastAPI's test client, no worker): verification before parsing, limits,
dedupe, health and metrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from regress.webhooks.app import create_app
from regress.webhooks.service import Service
from regress.webhooks.settings import MAX_BODY_BYTES, from_env
from regress.webhooks.signature import sign
from tests.fakegithub import payloads
from tests.fakegithub.server import new_private_key

SECRET = "intake-secret"


@pytest.fixture
def service(tmp_path: Path) -> Service:
    settings = from_env(
        {
            "REGRESS_WEBHOOK_SECRET": SECRET,
            "REGRESS_GITHUB_APP_ID": "4242",
            "REGRESS_GITHUB_PRIVATE_KEY": new_private_key(),
            "REGRESS_GITHUB_API_URL": "http://127.0.0.1:9/api",
            "REGRESS_DATA_DIR": str(tmp_path),
        }
    )
    return Service(settings)


@pytest.fixture
def client(service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(service)) as c:
        yield c


def post(
    client: TestClient,
    event: str,
    payload: object,
    delivery: str = "d-1",
    secret: str = SECRET,
    raw: bytes | None = None,
) -> tuple[int, object]:
    body = raw if raw is not None else json.dumps(payload).encode()
    r = client.post(
        "/webhook",
        content=body,
        headers={"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": sign(secret, body)},
    )
    return r.status_code, r.json()


def pr_opened() -> dict[str, object]:
    return payloads.example("pull_request.opened") | {"installation": {"id": 1}}


def test_accepts_stores_and_enqueues_once(client: TestClient, service: Service) -> None:
    assert post(client, "pull_request", pr_opened()) == (202, {"status": "accepted"})
    assert post(client, "pull_request", pr_opened()) == (200, {"status": "duplicate"})
    assert service.store.delivery_counts() == {("pull_request", "received"): 1}
    assert service.huey.pending_count() == 1


def test_rejects_before_parsing(client: TestClient, service: Service) -> None:
    assert post(client, "pull_request", None, raw=b"{not json", secret="wrong") == (401, {"error": "bad signature"})
    assert post(client, "pull_request", None, raw=b"{not json") == (400, {"error": "body is not JSON"})
    r = client.post("/webhook", content=b"{}", headers={"X-GitHub-Event": "ping", "X-GitHub-Delivery": "x"})
    assert (r.status_code, r.json()) == (401, {"error": "bad signature"})
    assert service.store.delivery_counts() == {}


def test_body_over_25_mb_is_refused(client: TestClient, service: Service) -> None:
    big = b'{"pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    assert post(client, "pull_request", None, raw=big) == (413, {"error": "payload over 25 MB"})
    assert service.store.delivery_counts() == {}


def test_ping_and_unhandled_events_are_not_queued(client: TestClient, service: Service) -> None:
    assert post(client, "ping", payloads.example("ping")) == (200, {"status": "pong"})
    assert post(client, "star", {"action": "created"}, delivery="d-2") == (200, {"status": "ignored"})
    labeled = pr_opened() | {"action": "labeled"}
    assert post(client, "pull_request", labeled, delivery="d-3") == (200, {"status": "ignored"})
    assert service.store.delivery_counts() == {}
    assert service.huey.pending_count() == 0


def test_health_readiness_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    post(client, "pull_request", pr_opened())
    post(client, "pull_request", pr_opened(), secret="forged")
    text = client.get("/metrics").text
    assert 'regress_deliveries_total{event="pull_request",outcome="accepted"} 1.0' in text
    assert 'regress_deliveries_total{event="pull_request",outcome="bad_signature"} 1.0' in text
    assert "regress_queue_depth 1.0" in text
    for name in ("regress_analysis_duration_seconds", "regress_github_api_calls", "regress_findings"):
        assert f"# TYPE {name}" in text


def test_readiness_fails_when_the_database_is_gone(service: Service, client: TestClient) -> None:
    service.store.engine.dispose()
    service.store.engine = sqlalchemy.create_engine("sqlite:////nonexistent/dir/x.db")
    r = client.get("/readyz")
    assert (r.status_code, r.json()) == (503, {"status": "unavailable", "problems": {"database": "OperationalError"}})
