"""Every rule's before/after cases, run through a real git repository and the whole engine.

A case file (tests/cases/<family>/<rule>.yml) lists cases with ``base`` and ``head`` trees and the
``expect``ed findings written out in full; a case expects exactly those findings and no others.
Location strings are ``path:line`` (head side) or ``path:line (base)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from regress.api import diff_git
from regress.findings import Finding
from regress.rules.registry import RULES
from tests.gitrepo import two_commits

CASES = Path(__file__).parent / "cases"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe", pure=True).load(path.read_text())
    return data


def _all_cases() -> list[Any]:
    out = []
    for path in sorted(CASES.rglob("*.yml")):
        doc = _load(path)
        for i, case in enumerate(doc.get("cases", [])):
            out.append(pytest.param(path, i, case, id=f"{path.stem}:{case.get('name', i)}"))
    return out


def _loc(loc: Any) -> str:
    text = f"{loc.path}:{loc.line}" if loc.line else loc.path
    return text if loc.side.value == "head" else f"{text} (base)"


def render(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": f.code,
        "name": f.name,
        "category": f.category.value,
        "severity": f.severity.value,
        "message": f.message,
        "location": _loc(f.location),
        "identity": f.identity,
        "attribute": f.attr,
    }
    if f.related:
        out["related"] = [_loc(r) for r in f.related]
    return out


@pytest.mark.parametrize(("path", "index", "case"), _all_cases())
def test_case(tmp_path: Path, path: Path, index: int, case: dict[str, Any]) -> None:
    repo, base, head = two_commits(tmp_path / "repo", case.get("base") or {}, case.get("head") or {})
    report = diff_git(repo, base, head)
    got = [render(f) for f in report.findings]
    want = case.get("expect") or []
    assert got == want, f"{path.name} case {index} ({case.get('name')})"


def test_every_rule_has_firing_and_silent_cases() -> None:
    files = {p.stem: _load(p) for p in CASES.rglob("*.yml")}
    missing = []
    for rule in RULES:
        if rule.code.startswith("REG"):
            continue
        doc = files.get(rule.name)
        if doc is None:
            missing.append(f"{rule.name}: no case file")
            continue
        cases = doc.get("cases", [])
        fires = any(any(e.get("code") == rule.code for e in (c.get("expect") or [])) for c in cases)
        silent = any(not any(e.get("code") == rule.code for e in (c.get("expect") or [])) for c in cases)
        if not (fires and silent):
            missing.append(f"{rule.name}: needs a case that fires and one that stays silent")
    assert not missing, "\n".join(missing)
