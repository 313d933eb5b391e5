"""Every rule documents itself: a title line and the fixed sections `regress explain` shows."""

from __future__ import annotations

import subprocess
import sys

import pytest

from regress.rules.base import DOC_SECTIONS
from regress.rules.registry import RULES


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_title_and_sections(rule: object) -> None:
    sections = rule.sections()  # type: ignore[attr-defined]
    assert rule.title and not rule.title.startswith("#")  # type: ignore[attr-defined]
    assert [s for s in DOC_SECTIONS if not sections.get(s, "").strip()] == []


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_explain_prints_a_ci_platform_rule() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "regress", "explain", "test-job-pipelines-narrowed"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines()[0] == "# test-job-pipelines-narrowed (GL003)"
    assert "## How to resolve" in out
