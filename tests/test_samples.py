"""The sample scenarios under samples/: what each reporter prints (snapshots), and whether the
findings agree with the scenario's EXPECTED.md.

Snapshots live in tests/snapshots/<sample>/<format>; regenerate them with
``REGRESS_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_samples.py`` and review the diff before
committing it. Run-dependent values are normalised first: the run time in ``stats``, and in SARIF
the rule catalogue and rule indexes (they change with every rule added anywhere, and are checked
against the SARIF schema by tests/test_reporters.py).

EXPECTED.md is one line: ``Silent: …`` (a refactor that must produce no finding) or
``Flag (category, …): …`` (the categories a reviewer should see). Rules that are still being
written make some flagged samples quieter than intended; that shows in the snapshots, while the
test below fails on any finding in a category the scenario does not expect.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from regress.api import diff_folders
from regress.engine import Report
from regress.report import FORMATS
from tests.reportschema import assert_valid_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("REGRESS_UPDATE_SNAPSHOTS") == "1"
EXTENSIONS = {"text": "txt", "json": "json", "sarif": "sarif.json", "markdown": "md", "github": "github.txt"}
_EXPECTED = re.compile(r"^(Silent|Flag \((?P<cats>[a-z, ]+)\)): \S.*$")

#: Samples whose intended result (EXPECTED.md) the engine does not reach yet, and why. Each is a
#: strict xfail: when the gap closes the test fails until the entry is removed.
KNOWN_GAPS: dict[str, str] = {}

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def run_sample(name: str, monkeypatch: pytest.MonkeyPatch) -> Report:
    # Relative folder names keep absolute paths of this machine out of the snapshots.
    monkeypatch.chdir(ROOT)
    report = diff_folders(Path("samples", name, "base"), Path("samples", name, "head"))
    report.stats["seconds"] = 0.0
    return report


def normalise(fmt: str, rendered: str) -> str:
    if fmt != "sarif":
        return rendered
    doc: dict[str, Any] = json.loads(rendered)
    for run in doc["runs"]:
        run["tool"]["driver"]["rules"] = "(the rule catalogue; see tests/test_reporters.py)"
        for result in run["results"]:
            result.pop("ruleIndex", None)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def test_there_are_enough_samples() -> None:
    assert len(SAMPLE_NAMES) >= 8
    kinds = {n.split("-")[0] for n in SAMPLE_NAMES}
    assert kinds == {"gha", "k8s"}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_layout(name: str) -> None:
    folder = SAMPLES / name
    assert (folder / "base").is_dir() and (folder / "head").is_dir()
    lines = (folder / "EXPECTED.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, "EXPECTED.md is one line"
    assert _EXPECTED.match(lines[0]), lines[0]


def test_samples_cover_every_category_and_silence() -> None:
    cats: set[str] = set()
    silent = []
    for name in SAMPLE_NAMES:
        line = (SAMPLES / name / "EXPECTED.md").read_text(encoding="utf-8").strip()
        m = _EXPECTED.match(line)
        assert m is not None
        if m.group("cats"):
            cats.update(c.strip() for c in m.group("cats").split(","))
        else:
            silent.append(name)
    assert cats == {"tests", "security", "monitoring", "reliability"}
    assert {n.split("-")[0] for n in silent} == {"gha", "k8s"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[n])) if n in KNOWN_GAPS else n
        for n in SAMPLE_NAMES
    ],
)
def test_sample_findings_match_expected(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    m = _EXPECTED.match((SAMPLES / name / "EXPECTED.md").read_text(encoding="utf-8").strip())
    assert m is not None
    report = run_sample(name, monkeypatch)
    got = {f.category.value for f in report.findings}
    if m.group("cats") is None:
        assert report.findings == [], f"{name} must stay silent"
        assert report.exit_code == 0
    else:
        wanted = {c.strip() for c in m.group("cats").split(",")}
        assert got <= wanted, f"{name}: unexpected categories {sorted(got - wanted)}"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_reporter_snapshot(name: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    report = run_sample(name, monkeypatch)
    rendered = FORMATS[fmt](report)
    if fmt == "json":
        assert_valid_report(json.loads(rendered))
    got = normalise(fmt, rendered)
    path = SNAPSHOTS / name / f"{fmt}.{EXTENSIONS[fmt]}"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.relative_to(ROOT)}: run with REGRESS_UPDATE_SNAPSHOTS=1 and review it"
    assert got == path.read_text(encoding="utf-8"), (
        f"{fmt} report of samples/{name} changed; if intended, regenerate with REGRESS_UPDATE_SNAPSHOTS=1 "
        "and review the diff"
    )


def test_no_stale_snapshots() -> None:
    expected = {f"{n}/{f}.{EXTENSIONS[f]}" for n in SAMPLE_NAMES for f in FORMATS}
    present = (
        {str(p.relative_to(SNAPSHOTS)) for p in SNAPSHOTS.rglob("*") if p.is_file()} if SNAPSHOTS.exists() else set()
    )
    assert present <= expected, f"snapshots without a sample: {sorted(present - expected)}"
