"""The documentation: generated pages are current (scripts/gen_docs.py), every rule has one, and
the pages the README and docs link to exist."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from regress.cli.explain import render

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
assert _spec is not None and _spec.loader is not None
gen_docs = importlib.util.module_from_spec(_spec)
sys.modules["gen_docs"] = gen_docs
_spec.loader.exec_module(gen_docs)


def test_generated_pages_are_current() -> None:
    problems = gen_docs.stale(gen_docs.pages())
    assert problems == [], "run: python scripts/gen_docs.py"


def test_every_rule_has_its_page_with_every_section() -> None:
    rules = gen_docs.all_rules()
    assert len(rules) > 200
    for rule in rules:
        page = (ROOT / "docs" / "rules" / f"{rule.name}.md").read_text(encoding="utf-8")
        assert page.endswith(render(rule))
        for section in ("What it does", "Why is this bad?", "Example", "How to resolve", "Options"):
            assert f"\n## {section}\n" in page, (rule.name, section)
    index = (ROOT / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    assert index.count("](") == len(rules)


def test_stale_pages_are_detected(tmp_path: Path) -> None:
    pages = gen_docs.pages()
    path = next(iter(pages))
    changed = {**pages, path: pages[path] + "edited\n"}
    assert gen_docs.stale(changed) == [f"{path.relative_to(ROOT)}: out of date"]


def test_reviewer_view_shows_the_comment_and_the_check_run() -> None:
    page = (ROOT / "docs" / "reviewer-view.md").read_text(encoding="utf-8")
    assert "<!-- regress:report -->" in page
    assert "**2 unapproved violations**" in page
    assert "conclusion `action_required`" in page
    assert '"annotation_level"' in page


def test_relative_links_in_docs_resolve() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for doc in docs:
        for target in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to missing {target}"
