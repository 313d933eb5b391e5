"""Print what regress reports for each case of a case file, in the case-file format.

A helper for writing cases: write base/head, run this, read the findings, and copy them into
``expect`` only once you have checked they are right.

    python -m tests.show_cases tests/cases/kubernetes/replicas-reduced.yml
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ruamel.yaml import YAML

import regress.rules.ci.test_matrix_shrunk
from regress.api import diff_git
from tests.conftest import CASES_JUDGED_ON
from tests.gitrepo import two_commits
from tests.test_rule_cases import _load, render


def main() -> None:
    # As the test suite runs them (tests/conftest.py): end of life judged on a fixed day.
    regress.rules.ci.test_matrix_shrunk.today = lambda: CASES_JUDGED_ON
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 200
    for arg in sys.argv[1:]:
        doc = _load(Path(arg))
        for i, case in enumerate(doc.get("cases", [])):
            with tempfile.TemporaryDirectory() as tmp:
                repo, base, head = two_commits(Path(tmp) / "repo", case.get("base") or {}, case.get("head") or {})
                report = diff_git(repo, base, head)
            got = [render(f) for f in report.findings]
            want = case.get("expect") or []
            print(f"# {arg} [{i}] {case.get('name')}: {'OK' if got == want else 'DIFFERS'}")
            yaml.dump({"expect": got}, sys.stdout)
            for n in report.notices:
                print(f"#   notice: {n.kind.value} {n.path}: {n.message}")


if __name__ == "__main__":
    main()
