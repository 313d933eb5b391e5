"""GitLab pipeline resolution time: a large generated pipeline, and the worst of random ones.

    python benchmarks/gitlab_resolve.py [--jobs 300] [--includes 40] [--random 300] [--runs 3]

(1) Builds a git repository whose ``.gitlab-ci.yml`` includes N files holding J jobs that extend
templates, reference rules with ``!reference`` and use ``rules``/``only``, changes one included
file, and times the whole ``regress diff`` (both sides resolved, every job's run table, diff,
rules); prints the median of the runs. (2) Loads R random configurations from the fuzz test's
generator (include graphs with cycles, deep extends chains, broken references) and prints the
slowest load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regress.api import diff_git
from regress.kinds.base import Unit
from regress.kinds.gitlab.handler import GitLabHandler
from tests.gitrepo import two_commits
from tests.memsnap import context

TEMPLATES = """\
.rules-mr:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    - if: $CI_COMMIT_TAG
.python:
  image: python:3.12
  before_script: [pip install -e .]
  rules:
    - !reference [.rules-mr, rules]
"""


def pipeline(jobs: int, includes: int, flip: bool) -> dict[str, str]:
    files = {
        ".gitlab-ci.yml": "include:\n  - local: ci/templates.yml\n"
        + "".join(f"  - local: ci/jobs-{i}.yml\n" for i in range(includes)),
        "ci/templates.yml": TEMPLATES,
    }
    per = max(1, jobs // includes)
    for i in range(includes):
        body = []
        for j in range(per):
            name = f"test-{i}-{j}"
            extra = "  allow_failure: true\n" if flip and i == 0 and j == 0 else ""
            only = "  only: [branches]\n" if j % 3 == 0 else ""
            rules = "" if only else "  extends: .python\n"
            body.append(f"{name}:\n{rules}  image: python:3.12\n  script: [pytest tests/{i}/{j}]\n{only}{extra}")
        files[f"ci/jobs-{i}.yml"] = "".join(body)
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--includes", type=int, default=40)
    parser.add_argument("--random", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            repo, base, head = two_commits(
                Path(tmp) / "repo", pipeline(args.jobs, args.includes, False), pipeline(args.jobs, args.includes, True)
            )
            started = time.perf_counter()
            report = diff_git(repo, base, head)
            times.append(time.perf_counter() - started)
    print(
        f"diff of a {args.jobs}-job pipeline in {args.includes} includes: median {statistics.median(times):.2f} s "
        f"({len(report.findings)} finding(s))"
    )
    from tests.test_gitlab_fuzz import pipeline as random_pipeline

    worst = 0.0
    for _ in range(args.random):
        files = random_pipeline().example()
        started = time.perf_counter()
        GitLabHandler().load(Unit("gitlab-ci", ".gitlab-ci.yml"), context(files))
        worst = max(worst, time.perf_counter() - started)
    print(f"slowest of {args.random} random configurations: {worst:.3f} s")


if __name__ == "__main__":
    main()
