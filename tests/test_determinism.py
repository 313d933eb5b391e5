"""The same two trees give the same report whatever the interpreter's string-hash seed.

Python varies the order of sets of strings from one process to the next (PYTHONHASHSEED). Where
the engine pairs leftovers (renames, moves) and several candidates are equally good, the order it
tries them in decides the pairing, and with it which location a finding names: that order must
come from the trees, never from a set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GO_FILE = """package store

const testToken = "sha256:0123456789abcdef0123456789abcdef" // #nosec G101 -- a test digest
"""


def _report(base: Path, head: Path, seed: int) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    run = subprocess.run(
        [sys.executable, "-m", "regress", "diff", str(base), str(head), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    findings: list[dict[str, object]] = json.loads(run.stdout)["findings"]
    return findings


def test_one_file_split_in_two_alike_reports_the_same_finding_under_every_hash_seed(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    (base / "pkg" / "store").mkdir(parents=True)
    (base / "pkg" / "store" / "store_test.go").write_text(GO_FILE)
    for name in ("images_test.go", "service_test.go"):
        (head / "internal" / "store").mkdir(parents=True, exist_ok=True)
        (head / "internal" / "store" / name).write_text(GO_FILE)
    reports = [_report(base, head, seed) for seed in range(6)]
    assert [len(r) for r in reports] == [1] * 6
    assert all(r == reports[0] for r in reports)


MATRIX_IMAGE = """on: pull_request
jobs:
  wheels:
    runs-on: ubuntu-latest
    container:
      image: quay.io/pypa/manylinux_2_28_${{ matrix.arch }}
    strategy:
      matrix:
        arch: [x86_64, aarch64, ppc64le, s390x]
    steps:
      - run: python -m build
"""


def test_an_image_named_by_a_matrix_reports_the_same_entry_under_every_hash_seed(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    (base / ".github" / "workflows").mkdir(parents=True)
    (head / ".github" / "workflows").mkdir(parents=True)
    (head / ".github" / "workflows" / "wheels.yml").write_text(MATRIX_IMAGE)
    reports = [_report(base, head, seed) for seed in range(6)]
    messages = [[f["message"] for f in r if f["code"] == "GHA028"] for r in reports]
    assert messages[0] == [
        "container image quay.io/pypa/manylinux_2_28_aarch64 of job 'wheels' in .github/workflows/wheels.yml "
        "uses a moving tag (no tag, so latest)"
    ]
    assert all(m == messages[0] for m in messages)
