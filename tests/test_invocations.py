"""Whether a tree runs a scanner: the textual reading behind the rollout rule of the suppression
rules (regress/kinds/gates/invocations.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from regress.kinds.gates.invocations import runs
from regress.source.folder import FolderSnapshot


def _tree(tmp_path: Path, files: dict[str, str]) -> FolderSnapshot:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return FolderSnapshot(tmp_path)


@pytest.mark.parametrize(
    ("files", "tool", "expected"),
    [
        ({".github/workflows/lint.yml": "steps:\n  - run: pipx run zizmor .github/\n"}, "zizmor", True),
        ({".github/workflows/lint.yml": "steps:\n  - uses: zizmorcore/zizmor-action@v0.2.0\n"}, "zizmor", True),
        ({".pre-commit-config.yaml": "repos:\n  - hooks: [{id: zizmor}]\n"}, "zizmor", True),
        ({"tox.ini": "[testenv:sec]\ncommands = bandit -r src\n"}, "bandit", True),
        # Its own suppression comments start nothing.
        ({".github/workflows/ci.yml": "  - uses: actions/checkout@v4 # zizmor: ignore[artipacked]\n"}, "zizmor", False),
        # Another word that begins with the name is not the name.
        ({"Makefile": "banditry:\n\techo no\n"}, "bandit", False),
        # A file that starts no tool is not read.
        ({"docs/security.md": "We run bandit.\n"}, "bandit", False),
    ],
)
def test_runs(tmp_path: Path, files: dict[str, str], tool: str, expected: bool) -> None:
    assert runs(_tree(tmp_path, files), tool) is expected
