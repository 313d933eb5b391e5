"""docker-compose.yml: the local service (web, worker, PostgreSQL, Redis) is hardened the way
regress's compose rules expect, takes its secrets from the environment, and regress itself finds
nothing weak in it, while a weakened copy is reported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from regress.api import diff_folders

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
_DIGEST = re.compile(r"^[a-z0-9./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")
_REQUIRED_VAR = re.compile(r"\$\{[A-Z_]+:\?[^}]+\}")


def services() -> dict[str, Any]:
    doc = YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))
    return dict(doc["services"])


def test_the_four_services_each_with_a_healthcheck() -> None:
    svc = services()
    assert sorted(svc) == ["postgres", "redis", "web", "worker"]
    for name, spec in svc.items():
        assert spec["healthcheck"]["test"][0] == "CMD", name
        assert spec["restart"] == "unless-stopped", name
        assert "no-new-privileges:true" in spec["security_opt"], name


def test_images_are_built_here_or_pinned_by_digest() -> None:
    for name, spec in services().items():
        if "build" in spec:
            assert spec["image"] == "regress:local", name
        else:
            assert _DIGEST.match(spec["image"]), name


def test_regress_services_run_non_root_read_only_and_wait_for_healthy_backends() -> None:
    svc = services()
    for name in ("web", "worker"):
        spec = svc[name]
        assert spec["user"] == "10001:10001"
        assert spec["read_only"] is True and spec["tmpfs"] == ["/tmp"]
        assert spec["cap_drop"] == ["ALL"]
        assert spec["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert spec["volumes"][0].endswith(":/var/lib/regress")


def test_only_the_web_intake_is_published_and_only_on_loopback() -> None:
    published = {name: spec.get("ports", []) for name, spec in services().items()}
    assert published == {"web": ["127.0.0.1:8000:8000"], "worker": [], "postgres": [], "redis": []}


def test_secrets_come_from_the_environment_or_a_file() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for var in ("REGRESS_WEBHOOK_SECRET", "REGRESS_GITHUB_APP_ID", "REGRESS_POSTGRES_PASSWORD"):
        assert re.search(r"\$\{" + var + r":\?", text), var
    env = services()["web"]["environment"]
    assert env["REGRESS_WEBHOOK_SECRET"].startswith("${REGRESS_WEBHOOK_SECRET:?")
    assert env["REGRESS_GITHUB_PRIVATE_KEY_FILE"] == "/run/secrets/github-app-key.pem"
    assert "REGRESS_GITHUB_PRIVATE_KEY" not in env
    assert _REQUIRED_VAR.fullmatch(services()["postgres"]["environment"]["POSTGRES_PASSWORD"])


def test_regress_finds_nothing_weak_in_it_and_sees_it_weakened(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "base").mkdir()
    (tmp_path / "head").mkdir()
    shutil.copy(COMPOSE, tmp_path / "base" / "docker-compose.yml")
    added = diff_folders(tmp_path / "empty", tmp_path / "base")
    assert (added.findings, added.notices, added.stats["changes"]) == ([], [], {"added": 4})

    text = COMPOSE.read_text(encoding="utf-8")
    text = text.replace('      - "127.0.0.1:8000:8000"', '      - "8000:8000"')
    text = text.replace("  read_only: true\n", "")
    text = text.replace("      condition: service_healthy\n    redis:", "      condition: service_started\n    redis:")
    (tmp_path / "head" / "docker-compose.yml").write_text(text, encoding="utf-8")
    weakened = diff_folders(tmp_path / "base", tmp_path / "head")
    # The anchors (x-regress) carry the settings into both services, and regress follows them.
    assert sorted((f.name, f.message) for f in weakened.findings) == [
        ("dependency-readiness-weakened", "service web: depends_on postgres service_healthy → service_started"),
        ("dependency-readiness-weakened", "service worker: depends_on postgres service_healthy → service_started"),
        ("port-bound-all-interfaces", "service web: port 8000 bound to all interfaces (was 127.0.0.1)"),
        ("read-only-rootfs-disabled", "service web: read_only true → absent (false)"),
        ("read-only-rootfs-disabled", "service worker: read_only true → absent (false)"),
    ]
