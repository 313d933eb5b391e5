"""Real Redis and PostgreSQL servers for scale-out tests, on free loopback ports in temporary
folders, started and stopped by the tests themselves (.ci/run installs the packages)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.webhooks.harness import free_port, wait_until


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available() -> str | None:
    """Why the servers cannot run here, or None."""
    if not shutil.which("redis-server"):
        return "redis-server is not installed (apt-get install redis-server)"
    if not _pg_bin("initdb") or not _pg_bin("postgres"):
        return "PostgreSQL is not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: it runs as the postgres user the package creates.
        if not shutil.which("runuser"):
            return "running as root without runuser to start PostgreSQL as another user"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user (apt-get install postgresql creates it)"
    return None


class Redis:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Redis:
        # No persistence: a restart loses every queued message, which the service must survive.
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        def up() -> bool:
            try:
                return bool(redis.Redis(port=self.port).ping())
            except redis.ConnectionError:
                return False

        wait_until(up, 20, "redis to start")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


class Postgres:
    def __init__(self) -> None:
        # Its own folder under /tmp: pytest's folders are private to root, and PostgreSQL refuses
        # to run as root, so the server runs as the postgres user, who must reach its data.
        self.root = Path(tempfile.mkdtemp(prefix="regress-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.proc: subprocess.Popen[bytes] | None = None
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> Postgres:
        if not self.data.exists():
            self.sock.mkdir(exist_ok=True)
            if self._as:
                shutil.chown(self.root, "postgres")
                shutil.chown(self.sock, "postgres")
            subprocess.run(
                [
                    *self._as,
                    str(_pg_bin("initdb")),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ],
                check=True,
                capture_output=True,
            )
        self.proc = subprocess.Popen(
            [
                *self._as,
                str(_pg_bin("postgres")),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.sock),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "postgres.log").open("ab"),
        )
        import psycopg

        def up() -> bool:
            try:
                with psycopg.connect(
                    f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", connect_timeout=1
                ):
                    return True
            except psycopg.OperationalError:
                return False

        wait_until(up, 60, "postgres to start")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # "fast" shutdown: committed data is on disk
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            time.sleep(0.2)

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
