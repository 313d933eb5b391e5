"""Scale-out: web intake and two worker processes over a real Redis queue and a real PostgreSQL
database. The queue and the database restart, and one worker is killed mid-job: every PR still
gets exactly one completed check run."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from tests.fakegithub.server import FakeGitHub
from tests.webhooks import servers
from tests.webhooks.harness import INSTALLATION, Hub, Process, service_env, start_serve, wait_until
from tests.webhooks.test_app_e2e import PEOPLE, deploy

PRS = 6


@pytest.mark.skipif(servers.available() is not None, reason=str(servers.available()))
def test_two_workers_one_killed_mid_job(tmp_path: Path) -> None:
    fake = FakeGitHub(tmp_path / "github").start()
    redis = servers.Redis(tmp_path / "redis").start()
    pg = servers.Postgres().start()
    procs: list[Process] = []
    try:
        extra = {"REGRESS_QUEUE_URL": redis.url, "REGRESS_DATABASE_URL": pg.url, "REGRESS_LEASE_SECONDS": "3"}
        web, url = start_serve(fake, tmp_path / "web", tmp_path / "web.log", "--no-worker", **extra)
        procs.append(web)
        hub = Hub(fake, url, tmp_path / "work")
        heads = {}
        for i in range(PRS):
            name = f"shop/svc{i}"
            base = hub.repo(name, {"deploy/app.yaml": deploy()}, PEOPLE)
            head = hub.commit(name, {"deploy/app.yaml": deploy(replicas=1 + i % 3)}, base, "cut")
            hub.open_pr(name, head, base)
            heads[name] = head
        assert fake.check_runs == {}  # accepted, nothing run yet: no worker

        # The queue forgets everything (no persistence); the database restarts and keeps it.
        redis.restart()
        pg.restart()

        # Each fetch takes a while, so a worker can be caught in the middle of a job.
        fake.delay("POST", r"git-upload-pack$", 1.5)
        env = service_env(fake, tmp_path / "workers", **extra)
        for n in (1, 2):
            procs.append(Process(["worker", "--workers", "2"], env, tmp_path / f"worker{n}.log"))
        victim = procs[1]

        def victim_busy() -> bool:
            with psycopg.connect(f"host=127.0.0.1 port={pg.port} user=postgres dbname=postgres") as conn:
                rows = conn.execute(
                    "SELECT lease_owner FROM work WHERE lease_owner LIKE %s AND done < requested",
                    (f"%:{victim.proc.pid}:%",),
                ).fetchall()
            return bool(rows)

        wait_until(victim_busy, 60, "the first worker to take a job")
        victim.kill()

        for name, head in heads.items():
            run = hub.completed(name, head, timeout=120)
            assert run["conclusion"] == "action_required", name
            assert len(fake.runs_for(name, head)) == 1, name
            assert wait_until(lambda n=name: fake.comments_on(n, 1, bot=True), 30, f"the comment on {name}")
        time.sleep(1)
        for name in heads:
            assert len(fake.comments_on(name, 1, bot=True)) == 1, name
        assert fake.errors == []
        assert INSTALLATION in fake.installations
    finally:
        for p in procs:
            p.stop()
        pg.remove()
        redis.stop()
        fake.stop()
