"""Load benchmark of the App's webhook intake (a script, not a test).

500 deliveries for 100 pull requests, sent at a fixed rate over loopback to a real
``regress serve`` (embedded defaults: SQLite state, in-process workers) talking to the fake
GitHub of the test suite: 20 % are duplicates (redeliveries of an earlier delivery id), 5 % carry
a bad signature, the rest open PRs and push new heads. Reports intake latency p50/p99 and
throughput, then waits until the analyses are done and checks that every PR's final head got
exactly one completed check run, and that no check run was left in progress.

    python benchmarks/webhook_load.py [--rate 100] [--deliveries 500] [--prs 100]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from regress.webhooks.signature import sign  # noqa: E402
from tests.fakegithub.server import FakeGitHub  # noqa: E402
from tests.webhooks.harness import SECRET, Hub, Process, service_env, start_serve, wait_until  # noqa: E402
from tests.webhooks.test_app_e2e import PEOPLE, deploy  # noqa: E402

REPOS = 10


class _Closer:
    """Stops a test server (Redis, PostgreSQL) when the benchmark ends."""

    def __init__(self, server: Any, remove: bool = False) -> None:
        self.server = server
        self.remove = remove

    def close(self) -> None:
        if self.remove:
            self.server.remove()
        else:
            self.server.stop()


def send_all(plan: Path, url: str, rate: float) -> None:
    """Sender mode: post the prepared deliveries at a fixed rate; print latencies as JSON."""
    items = json.loads(plan.read_text())
    lock = threading.Lock()
    latencies: list[tuple[str, float, int, float]] = []
    client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))

    def send(kind: str, event: str, body: str, did: str, sig: str) -> None:
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": did,
            "X-Hub-Signature-256": sig,
            "Content-Type": "application/json",
        }
        started = time.perf_counter()
        try:
            status = client.post(url + "/webhook", content=body.encode(), headers=headers).status_code
        except httpx.HTTPError as exc:
            # Counted, not lost: a delivery the service never answered is a result too (status 0).
            print(f"delivery {did}: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = 0
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append((kind, elapsed, status, started - t0))

    with ThreadPoolExecutor(max_workers=32) as pool:
        # Warm-up: open the client's connections before the clock starts, as a sender that has
        # been running for a while has them.
        list(pool.map(lambda _: client.get(url + "/healthz"), range(64)))
        t0 = time.perf_counter()
        for k, item in enumerate(items):
            delay = t0 + k / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, *item)
    print(json.dumps({"wall": time.perf_counter() - t0, "latencies": latencies}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=100.0, help="deliveries per second (default 100)")
    ap.add_argument("--deliveries", type=int, default=500)
    ap.add_argument("--prs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--mode",
        choices=("embedded", "split", "intake-first", "scale-out"),
        default="embedded",
        help="embedded: `regress serve` with its in-process workers (default); split: workers in a separate "
        "`regress worker` process; intake-first: the worker process starts only after the last delivery, "
        "measuring intake alone; scale-out: Redis and PostgreSQL (started here), one web process and two "
        "worker processes at nice 10",
    )
    ap.add_argument("--keep", action="store_true", help="keep the working folder (logs, databases) and print it")
    ap.add_argument("--send", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.send:
        send_all(args.send, args.url, args.rate)
        return 0
    rng = random.Random(args.seed)  # noqa: S311 - a reproducible load pattern, not a secret
    n_dup = args.deliveries * 20 // 100
    n_bad = args.deliveries * 5 // 100
    n_valid = args.deliveries - n_dup - n_bad
    pushes = n_valid - args.prs
    assert pushes >= 0, "more PRs than valid deliveries"

    with contextlib.ExitStack() as stack:
        if args.keep:
            root = Path(tempfile.mkdtemp(prefix="regress-bench-"))
            print(f"working folder: {root}", file=sys.stderr)
        else:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="regress-bench-")))
        # The fake GitHub (its API and git server) shares the two cores with the service here; in
        # production it is GitHub's machines. It runs at a lower priority so it disturbs less.
        fake = FakeGitHub(root / "github", nice=10).start()
        quiet = {"REGRESS_LOG_LEVEL": "WARNING"}
        worker_env = dict(quiet)
        if args.mode == "scale-out":
            from tests.webhooks import servers

            redis = stack.enter_context(contextlib.closing(_Closer(servers.Redis(root / "redis").start())))
            pg = stack.enter_context(contextlib.closing(_Closer(servers.Postgres().start(), remove=True)))
            quiet.update({"REGRESS_QUEUE_URL": redis.server.url, "REGRESS_DATABASE_URL": pg.server.url})
            worker_env = {**quiet, "REGRESS_WORKER_NICE": "10"}
        no_worker = ["--no-worker"] if args.mode != "embedded" else []
        serve, url = start_serve(fake, root / "data", root / "serve.log", *no_worker, **quiet)
        procs = [serve]

        def start_worker() -> None:
            for n in range(2 if args.mode == "scale-out" else 1):
                procs.append(
                    Process(["worker"], service_env(fake, root / "data", **worker_env), root / f"worker{n}.log")
                )

        if args.mode in ("split", "scale-out"):
            start_worker()
        hub = Hub(fake, url, root / "work")
        try:
            print(f"setting up {args.prs} PRs in {REPOS} repositories with {pushes} pushes…", file=sys.stderr)
            plans: list[list[tuple[str, int, str, str]]] = []  # per PR: (repo, number, action, head)
            per_pr_pushes = [0] * args.prs
            for _ in range(pushes):
                per_pr_pushes[rng.randrange(args.prs)] += 1
            bases = {}
            for r in range(REPOS):
                name = f"bench/repo{r}"
                bases[name] = hub.repo(name, {"deploy/app.yaml": deploy()}, PEOPLE)
            for i in range(args.prs):
                name, number = f"bench/repo{i % REPOS}", i // REPOS + 1
                base = bases[name]
                head = hub.commit(name, {"deploy/app.yaml": deploy(replicas=3)}, base, f"pr{number}")
                steps = [(name, number, "opened", head)]
                for k in range(per_pr_pushes[i]):
                    head = hub.commit(
                        name, {"deploy/app.yaml": deploy(replicas=3 - k % 2, probe=k % 3 != 0)}, head, f"pr{number}"
                    )
                    steps.append((name, number, "synchronize", head))
                plans.append(steps)

            # Interleave PRs, keeping each PR's own order; payloads are built at send time from
            # the fake's PR state, as GitHub builds them when the event happens.
            order: list[tuple[str, int, str, str]] = []
            cursors = [0] * args.prs
            live = list(range(args.prs))
            while live:
                i = rng.choice(live)
                order.append(plans[i][cursors[i]])
                cursors[i] += 1
                if cursors[i] == len(plans[i]):
                    live.remove(i)
            kinds = ["valid"] * n_valid + ["dup"] * n_dup + ["bad"] * n_bad
            rng.shuffle(kinds)
            while kinds[0] != "valid":  # a duplicate needs something before it
                kinds.append(kinds.pop(0))

            # Payloads as GitHub sends them: each with the PR as it was at its event. The fake's
            # state is advanced event by event while they are made, so it ends at the final heads.
            sent: list[tuple[str, str, str]] = []
            items: list[tuple[str, str, str, str, str]] = []  # kind, event, body, delivery id, signature
            for kind in kinds:
                if kind == "valid":
                    name, number, action, head = order.pop(0)
                    if action == "opened":
                        fake.open_pull(name, number, head, bases[name], "alice", 501, head_ref=f"pr{number}")
                    else:
                        fake.push_pull(name, number, head)
                    body = json.dumps(hub.pr_payload(action, name, number))
                    sent.append(("pull_request", body, str(uuid.uuid4())))
                    event, body, did = sent[-1]
                    items.append((kind, event, body, did, sign(SECRET, body.encode())))
                elif kind == "dup":
                    event, body, did = rng.choice(sent)
                    items.append((kind, event, body, did, sign(SECRET, body.encode())))
                else:
                    event, body, _ = rng.choice(sent)
                    items.append((kind, event, body, str(uuid.uuid4()), sign("not the secret", body.encode())))
            plan_file = root / "deliveries.json"
            plan_file.write_text(json.dumps(items))

            # The load comes from a process of its own, so the fake GitHub in this one does not
            # compete with it for the interpreter lock and distort the timings.
            print(f"sending {args.deliveries} deliveries at {args.rate:g}/s…", file=sys.stderr)
            out = subprocess.run(
                [sys.executable, __file__, "--send", str(plan_file), "--url", url, "--rate", str(args.rate)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(out.stdout)
            if args.mode == "intake-first":
                start_worker()
            wall = result["wall"]
            latencies = [(k, e, st) for k, e, st, _ in result["latencies"]]
            slow = sorted(result["latencies"], key=lambda x: -x[1])[: max(1, len(latencies) // 100)]
            print("slowest 1 %: " + ", ".join(f"{x[1] * 1000:.0f} ms at {x[3]:.2f}s ({x[0]})" for x in slow))

            ms = sorted(x[1] * 1000 for x in latencies)
            statuses: dict[str, dict[int, int]] = {}
            for kind, _, status in latencies:
                statuses.setdefault(kind, {}).setdefault(status, 0)
                statuses[kind][status] += 1
            p50 = statistics.median(ms)
            p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
            print(
                f"intake: {len(ms)} deliveries in {wall:.2f}s = {len(ms) / wall:.1f}/s; "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms"
            )
            print(f"answers by kind: {json.dumps(statuses, sort_keys=True)}")

            # Every PR's final head: exactly one completed check run; nothing left in progress.
            finals = {(p[-1][0], p[-1][3]) for p in plans}
            t1 = time.perf_counter()

            def all_done() -> bool:
                return all(
                    len(runs := fake.runs_for(name, head)) == 1 and runs[0]["status"] == "completed"
                    for name, head in finals
                )

            wait_until(all_done, 900, "every PR head to complete")
            time.sleep(2)
            drained = time.perf_counter() - t1 + wall
            runs = list(fake.check_runs.values())
            per_head: dict[tuple[str, str], int] = {}
            for r in runs:
                per_head[(r["repo"], r["head_sha"])] = per_head.get((r["repo"], r["head_sha"]), 0) + 1
            stuck = [r for r in runs if r["status"] != "completed"]
            dup_runs = [k for k, v in per_head.items() if v > 1]
            final_ok = all(per_head.get(h) == 1 for h in finals)
            print(
                f"analysis: all {len(finals)} final heads completed {drained:.1f}s after the first delivery; "
                f"{len(runs)} check runs on {len(per_head)} heads ({len(per_head) - len(finals)} superseded heads "
                f"analysed before a newer push arrived), {len(stuck)} left in progress, "
                f"{len(dup_runs)} heads with more than one run; schema errors: {len(fake.errors)}"
            )
            # Every delivery must have had an answer: one the sender lost is a failed run.
            unanswered = len(items) - sum(1 for _, _, status in latencies if status)
            if unanswered:
                print(f"{unanswered} deliveries got no answer")
            ok = final_ok and not stuck and not dup_runs and not fake.errors and not unanswered
            print(
                "result:",
                "OK" if ok else "FAILED",
                f"(goal: p99 < 50 ms at {args.rate:g}/s: {'met' if p99 < 50 else 'missed'})",
            )
            return 0 if ok else 1
        finally:
            for proc in procs:
                proc.stop()
            fake.stop()


if __name__ == "__main__":
    sys.exit(main())
