"""Every rule documents itself in the fixed sections, and the CLI renders every rule."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from regress.cli import main
from regress.rules.base import DOC_SECTIONS
from regress.rules.registry import RULES


def _headings(doc: str) -> list[str]:
    return re.findall(r"^## (.+?)\s*$", doc, re.M)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_docstring_has_the_five_sections_in_order(rule: object) -> None:
    doc: str = rule.doc  # type: ignore[attr-defined]
    assert _headings(doc) == list(DOC_SECTIONS)
    first = doc.strip().splitlines()[0]
    assert first and not first.startswith("#"), "the first line says what regressed"
    for name, text in rule.sections().items():  # type: ignore[attr-defined]
        assert text.strip(), f"section {name!r} is empty"


def test_codes_and_names_are_unique() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_explain_renders_every_rule_by_name_and_code(rule: object, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for ident in (rule.name, rule.code, rule.code.lower()):  # type: ignore[attr-defined]
        assert main(["explain", ident]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]
    text = outputs[0]
    assert text.startswith(f"# {rule.name} ({rule.code})\n")  # type: ignore[attr-defined]
    positions = [text.index(f"## {s}\n") for s in DOC_SECTIONS]
    assert positions == sorted(positions)


def test_explain_an_unknown_rule_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "no-such-rule"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no rule named 'no-such-rule'" in err


def test_rules_json_lists_every_rule_with_its_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows] == [r.code for r in RULES]
    for row, rule in zip(rows, RULES, strict=True):
        assert row["name"] == rule.name
        assert row["category"] in {"tests", "security", "monitoring", "reliability"}
        assert row["severity"] in {"low", "medium", "high", "critical"}
        assert row["kinds"] and all(isinstance(k, str) for k in row["kinds"])
        assert row["summary"] == rule.title


def test_rules_text_has_one_line_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES, strict=True):
        assert line.split()[:2] == [rule.code, rule.name]


def test_the_installed_command_renders_the_catalogue() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "regress", "rules", "--format", "json"], capture_output=True, text=True, check=True
    )
    assert len(json.loads(out.stdout)) == len(RULES)


def test_explain_prints_a_ci_platform_rule() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "regress", "explain", "test-job-pipelines-narrowed"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines()[0] == "# test-job-pipelines-narrowed (GL003)"
    assert "## How to resolve" in out
