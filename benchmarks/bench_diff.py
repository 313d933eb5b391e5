#!/usr/bin/env python3
"""How much a pull request costs regress, and whether that depends on the repository's size.

Builds synthetic infrastructure repositories with git (Kubernetes manifests in per-service,
per-environment folders, GitHub Actions workflows and composite actions) and measures:

1. a 12-file pull request on a 5,000-file repository and the same pull request on a 12-file
   repository: the command line as a user runs it (``regress diff BASE..HEAD``, a new process
   each time) and the library call (``regress.api.diff_git``, in-process, fresh parse cache);
   median and spread of each, and the ratio large/small (bar: at most 1.5x; absolute median of
   the command line at most 0.5 s);
   and, the same way in-process, a one-file pull request changing a composite action that 24 of
   the repository's workflows call, against a repository of the action and those 24 (its
   callers are looked up in every workflow: that lookup must not cost the repository's size);
2. a full-tree diff in which all 5,000 files changed (bar: at least 3 MB/s of YAML, counting the
   bytes of both sides, which are both parsed);
3. peak memory (maximum resident set size) of the command-line runs;
4. two yardsticks over the full tree's bytes, interleaved with the library runs: libyaml's events
   alone (ruamel's C parser, nothing built), and regress's YAML loader alone (plain values with
   lines, no model, diff or rule): what the YAML costs before the engine does any work.

The command line is timed twice: with Python's bytecode cache, as after ``pip install`` (which
compiles every module), and in the calling environment as it is; where that sets
``PYTHONDONTWRITEBYTECODE`` (as some CI and sandbox images do) every run compiles every module it
imports from source. The repositories are packed (``git gc``) as a clone is, unless ``--loose``.

    python benchmarks/bench_diff.py                # the whole table (about two minutes)
    python benchmarks/bench_diff.py --runs 5       # fewer repetitions
    python benchmarks/bench_diff.py --keep DIR     # keep the generated repositories in DIR
    python benchmarks/bench_diff.py --loose        # leave the objects loose, as just committed

It needs git and an installed regress (``pip install -e .``); nothing else.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@regress.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@regress.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    # No automatic gc in the background: the repositories are packed (or left loose) on purpose.
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "gc.auto",
    "GIT_CONFIG_VALUE_0": "0",
}
SERVICES = 250
ENVIRONMENTS = ("dev", "stage", "prod", "prod-eu")
#: 250 services x 4 environments x 4 manifests + 960 workflows + 40 composite actions = 5,000 files.
WORKFLOWS = 960
ACTIONS = 40
PR_FILES = 12


# -- content ----------------------------------------------------------------------------------


def deployment(svc: str, env: str, replicas: int, tag: str, probe: bool = True) -> str:
    probe_yaml = (
        "          readinessProbe:\n            httpGet: {path: /ready, port: http}\n            periodSeconds: 10\n"
        if probe
        else ""
    )
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc}
  namespace: {env}
  labels: {{app: {svc}, team: team-{int(svc[-3:]) % 17}, tier: backend}}
spec:
  replicas: {replicas}
  revisionHistoryLimit: 5
  selector:
    matchLabels: {{app: {svc}}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {{maxSurge: 25%, maxUnavailable: 0}}
  template:
    metadata:
      labels: {{app: {svc}, tier: backend}}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: {svc}
      automountServiceAccountToken: false
      securityContext: {{runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001}}
      containers:
        - name: {svc}
          image: registry.example.com/{svc}:{tag}
          ports:
            - {{name: http, containerPort: 8080}}
            - {{name: metrics, containerPort: 9090}}
          env:
            - {{name: ENVIRONMENT, value: {env}}}
            - {{name: LOG_LEVEL, value: info}}
            - {{name: SERVICE_NAME, value: {svc}}}
{probe_yaml}          livenessProbe:
            httpGet: {{path: /live, port: http}}
            periodSeconds: 20
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{memory: 256Mi}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{drop: [ALL]}}
"""


def service(svc: str, env: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {svc}
  namespace: {env}
  labels: {{app: {svc}}}
spec:
  type: ClusterIP
  selector: {{app: {svc}}}
  ports:
    - {{name: http, port: 80, targetPort: http}}
    - {{name: metrics, port: 9090, targetPort: metrics}}
"""


def pdb(svc: str, env: str, minimum: int) -> str:
    return f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {svc}
  namespace: {env}
spec:
  minAvailable: {minimum}
  selector:
    matchLabels: {{app: {svc}}}
"""


def monitoring(svc: str, env: str) -> str:
    return f"""apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {svc}
  namespace: {env}
spec:
  selector:
    matchLabels: {{app: {svc}}}
  endpoints:
    - {{port: metrics, interval: 30s}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {svc}
  namespace: {env}
spec:
  podSelector:
    matchLabels: {{app: {svc}}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {{matchLabels: {{tier: frontend}}}}
"""


SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"


def workflow(i: int, test_cmd: str = "python -m pytest -q", pinned: bool = True) -> str:
    ref = f"{SHA} # v4.2.2" if pinned else "v4"
    return f"""name: ci-{i}
on:
  pull_request:
    paths: ["services/svc-{i % SERVICES:03d}/**"]
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  lint:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@{SHA} # v4.2.2
      - run: pip install ruff && ruff check services/svc-{i % SERVICES:03d}
  test:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    strategy:
      matrix:
        python: ["3.11", "3.12", "3.13"]
    steps:
      - uses: actions/checkout@{ref}
      - uses: actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b # v5.3.0
        with: {{python-version: "${{{{ matrix.python }}}}"}}
      - uses: ./.github/actions/setup-{i % ACTIONS:02d}
      - run: {test_cmd}
  deploy:
    needs: [lint, test]
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-24.04
    environment: production
    steps:
      - uses: actions/checkout@{SHA} # v4.2.2
      - run: ./deploy.sh svc-{i % SERVICES:03d}
"""


def action(i: int) -> str:
    return f"""name: setup-{i:02d}
description: install the service's dependencies
runs:
  using: composite
  steps:
    - run: pip install -r requirements-{i:02d}.txt
      shell: bash
"""


def big_tree() -> dict[str, str]:
    files: dict[str, str] = {}
    for s in range(SERVICES):
        svc = f"svc-{s:03d}"
        for env in ENVIRONMENTS:
            base = f"services/{svc}/{env}"
            files[f"{base}/deployment.yaml"] = deployment(svc, env, 3 if env.startswith("prod") else 1, "1.0.0")
            files[f"{base}/service.yaml"] = service(svc, env)
            files[f"{base}/pdb.yaml"] = pdb(svc, env, 1)
            files[f"{base}/monitoring.yaml"] = monitoring(svc, env)
    for i in range(WORKFLOWS):
        files[f".github/workflows/ci-{i:04d}.yml"] = workflow(i)
    for i in range(ACTIONS):
        files[f".github/actions/setup-{i:02d}/action.yml"] = action(i)
    assert len(files) == 5000, len(files)
    return files


def pr_paths() -> list[str]:
    """The 12 files of the pull request: 8 manifests and 4 workflows."""
    paths = []
    for s in (7, 42, 99, 180):
        paths += [f"services/svc-{s:03d}/prod/deployment.yaml", f"services/svc-{s:03d}/prod/monitoring.yaml"]
    paths += [f".github/workflows/ci-{i:04d}.yml" for i in (3, 250, 500, 901)]
    assert len(paths) == PR_FILES
    return paths


def pr_change(path: str, content: str) -> str:
    """A realistic mixed change: some weakenings, some bumps, some refactors."""
    if path.endswith("deployment.yaml"):
        svc = path.split("/")[1]
        return deployment(svc, "prod", 2, "1.1.0", probe=not svc.endswith("7"))
    if path.endswith("monitoring.yaml"):
        return content.replace("interval: 30s", "interval: 60s")
    i = int(path.rsplit("-", 1)[1].split(".", maxsplit=1)[0])
    return workflow(i, test_cmd="python -m pytest -q || true" if i % 2 else "python -m pytest -q -x", pinned=i != 3)


#: A one-file pull request changing a composite action that 24 of the 960 workflows call: finding
#: its callers must not cost what the repository's size costs.
ACTION_PR = ".github/actions/setup-05/action.yml"


def action_change(content: str) -> str:
    return content.replace("pip install -r", "pip install --no-deps -r")


def full_change(path: str, content: str) -> str:
    """Every file changes (a tag bump, an interval, a timeout), as in a mass refactor."""
    if path.endswith("deployment.yaml"):
        return content.replace(":1.0.0", ":1.0.1")
    if path.endswith("service.yaml"):
        return content.replace("type: ClusterIP", "type: ClusterIP\n  sessionAffinity: None")
    if path.endswith("pdb.yaml"):
        return content.replace("minAvailable: 1", "minAvailable: 2")
    if path.endswith("monitoring.yaml"):
        return content.replace("interval: 30s", "interval: 15s")
    if path.endswith("action.yml"):
        return content.replace("description: install", "description: Install")
    return content.replace("timeout-minutes: 10", "timeout-minutes: 12")


# -- repositories -----------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def make_repo(root: Path, base: dict[str, str], head: dict[str, str], pack: bool = True) -> tuple[str, str]:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write(root, base)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    b = git(root, "rev-parse", "HEAD")
    write(root, head)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "head")
    if pack:
        git(root, "gc", "-q")
    return b, git(root, "rev-parse", "HEAD")


# -- measuring --------------------------------------------------------------------------------


def regress_command() -> list[str]:
    exe = Path(sys.executable).parent / "regress"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "regress"]


def cli_run(repo: Path, rev: str, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS in KiB) of one ``regress diff`` process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*regress_command(), "diff", rev, "--format", "json", "--output", os.devnull],
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"regress failed ({code}): {err}")
    return seconds, code, usage.ru_maxrss


def library_run(repo: Path, base: str, head: str) -> tuple[float, int]:
    from regress.api import diff_git

    started = time.perf_counter()
    report = diff_git(repo, base, head)
    return time.perf_counter() - started, len(report.findings)


def events_only(texts: list[str]) -> float:
    """Seconds for ruamel's C parser (libyaml) to hand out every event of ``texts`` and nothing
    else: the floor under any YAML loading built on it."""
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

    started = time.perf_counter()
    for text in texts:
        parser = CParser(text)
        try:
            while parser.get_event() is not None and parser.check_event():
                pass
        finally:
            parser.dispose()
    return time.perf_counter() - started


def loader_only(texts: list[str]) -> float:
    """Seconds for regress's YAML loader to turn ``texts`` into plain values with a line for every
    key and item (``regress.yamlload.load_text``), and nothing else: no model, no diff, no rule.
    With ``events_only`` it shows what the YAML alone costs before the engine does any work."""
    from regress.yamlload import load_text

    started = time.perf_counter()
    for text in texts:
        load_text(text)
    return time.perf_counter() - started


def spread(samples: list[float]) -> str:
    med = statistics.median(samples)
    lo, hi = min(samples), max(samples)
    return f"{med * 1000:7.0f} ms  ({lo * 1000:.0f}–{hi * 1000:.0f})"


def repeat(fn: Callable[[], float], runs: int) -> list[float]:
    fn()  # warm the OS file cache and the interpreter's imports
    return [fn() for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="repetitions per measurement (default 15)")
    parser.add_argument("--full-runs", type=int, default=3, help="repetitions of the full-tree diff (default 3)")
    parser.add_argument("--keep", help="build the repositories in this folder and keep them")
    parser.add_argument("--loose", action="store_true", help="do not pack the repositories (git gc)")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="regress-bench-"))
    try:
        t0 = time.perf_counter()
        tree = big_tree()
        prs = pr_paths()
        pr_head = {p: pr_change(p, tree[p]) for p in prs}
        large = work / "large"
        small = work / "small"
        full = work / "full"
        pack = not args.loose
        lb, lh = make_repo(large, tree, pr_head, pack)
        sb, sh = make_repo(small, {p: tree[p] for p in prs}, pr_head, pack)
        fb, fh = make_repo(full, tree, {p: full_change(p, c) for p, c in tree.items()}, pack)
        callers = {p: c for p, c in tree.items() if "uses: ./.github/actions/setup-05\n" in c}
        action_head = {ACTION_PR: action_change(tree[ACTION_PR])}
        alarge, asmall = work / "action-large", work / "action-small"
        alb, alh = make_repo(alarge, tree, action_head, pack)
        asb, ash = make_repo(asmall, {ACTION_PR: tree[ACTION_PR], **callers}, action_head, pack)
        yaml_bytes = sum(len(c.encode()) for c in tree.values()) + sum(
            len(full_change(p, c).encode()) for p, c in tree.items()
        )
        print(f"repositories built in {time.perf_counter() - t0:.1f} s under {work}")
        print("load average at start (1, 5, 15 min): {:.2f} {:.2f} {:.2f}\n".format(*os.getloadavg()))

        rows: list[tuple[str, str]] = []
        peaks: dict[str, int] = {}

        # As after ``pip install``: bytecode compiled once (here into a private cache folder).
        compiled = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        # Where the environment forbids writing bytecode, an editable install compiles regress's
        # own modules at every start (installed packages keep the bytecode pip compiled).
        as_is = "PYTHONDONTWRITEBYTECODE" in os.environ
        uncompiled = None

        def cli(repo: Path, rev: str, key: str, env: dict[str, str] | None = compiled) -> Callable[[], float]:
            def go() -> float:
                s, _, rss = cli_run(repo, rev, env)
                peaks[key] = max(peaks.get(key, 0), rss)
                return s

            return go

        cli_large = repeat(cli(large, f"{lb}..{lh}", "large"), args.runs)
        cli_small = repeat(cli(small, f"{sb}..{sh}", "small"), args.runs)
        if as_is:
            raw_large = repeat(cli(large, f"{lb}..{lh}", "large", uncompiled), args.runs)
            raw_small = repeat(cli(small, f"{sb}..{sh}", "small", uncompiled), args.runs)
        lib_large = repeat(lambda: library_run(large, lb, lh)[0], args.runs)
        lib_small = repeat(lambda: library_run(small, sb, sh)[0], args.runs)
        act_large = repeat(lambda: library_run(alarge, alb, alh)[0], args.runs)
        act_small = repeat(lambda: library_run(asmall, asb, ash)[0], args.runs)
        findings_large = library_run(large, lb, lh)[1]
        findings_small = library_run(small, sb, sh)[1]
        full_times = [cli(full, f"{fb}..{fh}", "full")() for _ in range(args.full_runs)]
        full_lib, full_events, full_loader = [], [], []
        yaml_texts = [*tree.values(), *(full_change(p, c) for p, c in tree.items())]
        for _ in range(args.full_runs):
            # Interleaved, so that both see the same moments of a shared machine.
            full_lib.append(library_run(full, fb, fh)[0])
            full_events.append(events_only(yaml_texts))
            full_loader.append(loader_only(yaml_texts))

        ratio_cli = statistics.median(cli_large) / statistics.median(cli_small)
        ratio_lib = statistics.median(lib_large) / statistics.median(lib_small)
        mbps_cli = yaml_bytes / 1e6 / statistics.median(full_times)
        mbps_lib = yaml_bytes / 1e6 / statistics.median(full_lib)
        rows += [
            ("12-file PR, 5,000-file repo, CLI", spread(cli_large)),
            ("12-file PR, 12-file repo, CLI", spread(cli_small)),
            ("ratio large/small, CLI (bar ≤ 1.5)", f"{ratio_cli:7.2f}"),
        ]
        if as_is:
            rows += [
                ("12-file PR, 5,000-file repo, CLI, no bytecode", spread(raw_large)),
                ("12-file PR, 12-file repo, CLI, no bytecode", spread(raw_small)),
            ]
        rows += [
            ("12-file PR, 5,000-file repo, library", spread(lib_large)),
            ("12-file PR, 12-file repo, library", spread(lib_small)),
            ("ratio large/small, library (bar ≤ 1.5)", f"{ratio_lib:7.2f}"),
            ("findings (large / small)", f"{findings_large:7d} / {findings_small}"),
            ("1-file PR (composite action), 5,000-file repo, library", spread(act_large)),
            (f"same, repo of the action and its {len(callers)} callers, library", spread(act_small)),
            (
                "ratio large/small, composite action, library",
                f"{statistics.median(act_large) / statistics.median(act_small):7.2f}",
            ),
            ("full-tree diff, 5,000 changed files, CLI", spread(full_times)),
            ("full-tree diff, 5,000 changed files, library", spread(full_lib)),
            (f"YAML throughput, CLI ({yaml_bytes / 1e6:.1f} MB both sides; bar ≥ 3)", f"{mbps_cli:7.1f} MB/s"),
            ("YAML throughput, library", f"{mbps_lib:7.1f} MB/s"),
            ("yardstick: libyaml's events alone, same bytes", f"{yaml_bytes / 1e6 / min(full_events):7.1f} MB/s"),
            ("yardstick: regress's YAML loader alone, same bytes", f"{yaml_bytes / 1e6 / min(full_loader):7.1f} MB/s"),
            ("peak RSS, PR on the 5,000-file repo, CLI", f"{peaks['large'] / 1024:7.1f} MiB"),
            ("peak RSS, PR on the 12-file repo, CLI", f"{peaks['small'] / 1024:7.1f} MiB"),
            ("peak RSS, full-tree diff, CLI", f"{peaks['full'] / 1024:7.1f} MiB"),
        ]
        width = max(len(k) for k, _ in rows)
        print(f"{'measurement':{width}}  median   (min–max), {args.runs} runs")
        print("-" * (width + 32))
        for k, v in rows:
            print(f"{k:{width}}  {v}")
        bars = [
            ("median CLI PR cost ≤ 0.5 s", statistics.median(cli_large) <= 0.5),
            *([("median CLI PR cost ≤ 0.5 s, no bytecode", statistics.median(raw_large) <= 0.5)] if as_is else []),
            ("PR cost ratio ≤ 1.5 (CLI)", ratio_cli <= 1.5),
            ("PR cost ratio ≤ 1.5 (library)", ratio_lib <= 1.5),
            ("full-tree diff ≥ 3 MB/s (CLI)", mbps_cli >= 3),
        ]
        print("\nload average at end (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print()
        for name, ok in bars:
            print(f"{'PASS' if ok else 'FAIL'}  {name}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
