"""Makefile, justfile and tox recipes: what they run, what swallows failures, who calls them."""

from __future__ import annotations

from regress.kinds.gates.recipes import Verdict, called, judge, parse_justfile, parse_makefile, parse_tox

MAKEFILE = """\
PYTEST ?= python -m pytest
.PHONY: test lint
test: unit
unit:
\t$(PYTEST) tests/unit
lint:
\truff check .
e2e: ; -pytest tests/e2e
ci:
\t$(MAKE) unit
docs:
\tcd docs && \\
\t  sphinx-build . _build
"""


def test_make_targets_run_tests_through_prerequisites_and_sub_makes() -> None:
    recipes = parse_makefile(MAKEFILE)
    assert recipes["unit"].commands == ["python -m pytest tests/unit"]
    assert recipes["test"].prereqs == ["unit"]
    # a continued line is one command
    assert [" ".join(c.split()) for c in recipes["docs"].commands] == ["cd docs && sphinx-build . _build"]
    assert {n: judge(recipes, n) for n in ("test", "unit", "lint", "ci", "docs")} == {
        "test": Verdict(True, ""),
        "unit": Verdict(True, ""),
        "lint": Verdict(False, ""),
        "ci": Verdict(True, ""),
        "docs": Verdict(False, ""),
    }
    assert judge(recipes, "e2e") == Verdict(True, "the line starts with '-', so its error is ignored")


def test_justfile_recipes_with_parameters_dependencies_and_settings() -> None:
    recipes = parse_justfile(
        'set shell := ["bash", "-c"]\n\n[private]\nbuild:\n    cargo build\n\n'
        "# the suite\ntest *args: build\n    cargo test {{args}} || true\n"
    )
    assert sorted(recipes) == ["build", "test"]
    assert recipes["test"].prereqs == ["build"]
    assert judge(recipes, "test") == Verdict(True, "'|| true'")


def test_tox_environments_inherit_commands_and_may_ignore_their_outcome() -> None:
    recipes = parse_tox(
        "[tox]\nenvlist = py312,lint\n[testenv]\ncommands =\n    - pytest {posargs}\n"
        "[testenv:lint]\ncommands = ruff check .\n[testenv:flaky]\nignore_outcome = true\n"
    )
    assert sorted(recipes) == ["flaky", "lint", "testenv"]
    assert judge(recipes, "testenv") == Verdict(True, "the line starts with '-', so its error is ignored")
    assert judge(recipes, "lint") == Verdict(False, "")
    assert judge(recipes, "flaky").swallowed == "the line starts with '-', so its error is ignored"


def test_pipelines_that_run_a_recipe() -> None:
    recipes = parse_makefile(MAKEFILE)
    texts = [
        (".github/workflows/ci.yml", "steps:\n  - run: make -C . unit lint\n  - run: cmake --build build\n"),
        (".gitlab-ci.yml", "test:\n  script: [make test]\n"),
    ]
    assert called("make", texts, recipes, "test") == {
        "unit": ".github/workflows/ci.yml",
        "lint": ".github/workflows/ci.yml",
        "test": ".gitlab-ci.yml",
    }
    assert called("make", [("ci.yml", "run: make\n")], recipes, "test") == {"test": "ci.yml"}
    tox = parse_tox("[testenv]\ncommands = pytest\n[testenv:lint]\ncommands = ruff check .\n")
    assert called("tox", [("ci.yml", "run: tox -e py312,lint\n")], tox, "") == {"testenv": "ci.yml", "lint": "ci.yml"}
    assert called("tox", [("ci.yml", "run: tox\n")], tox, "") == {"testenv": "ci.yml", "lint": "ci.yml"}
