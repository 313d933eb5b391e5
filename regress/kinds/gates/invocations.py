"""Whether a tree runs a scanner anywhere regress looks: its CI files, pre-commit configuration and
task runners.

A change that brings in a scanner often silences, in the same change, what the scanner finds in
the existing code (zizmor added with `# zizmor: ignore[…]` comments and a `zizmor.yml` of
ignores). Those suppressions hide nothing the base checked: the base ran no such scanner. This
module answers "does this tree run TOOL?" from the text of the files that start tools, so the
suppression rules can tell a rollout from a weakening. The answer is textual (the tool's name as a
word, outside the tool's own suppression comments), and errs towards "runs": a mention in a comment
of a workflow counts, which can only keep a finding, never hide one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from regress.kinds.base import LoadContext
from regress.model import Side
from regress.source.base import Snapshot, snapshot_memo
from regress.yamlload import LoadError, decode

#: Scanners that run only where a repository starts them (CI, pre-commit, a task runner). Others
#: can run from a hosted service with no file in the repository (Checkov in Prisma Cloud, KICS in
#: Checkmarx One, SonarCloud's automatic analysis), or take their checks from a linter's
#: configuration (gosec through golangci-lint's ``enable:``), so their absence from these files
#: proves nothing and their suppressions are always judged.
ROLLOUT_TOOLS = frozenset({"zizmor", "bandit", "ruff", "eslint"})

#: Files that start tools, besides every workflow of ``.github/workflows``.
_FILES = (
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-config.yml",
    "Makefile",
    "makefile",
    "GNUmakefile",
    "justfile",
    "Taskfile.yml",
    "tox.ini",
    "noxfile.py",
    "package.json",
)
_WORKFLOWS = ".github/workflows"
#: Larger files are no CI configuration; reading them would only cost time.
_MAX_BYTES = 1024 * 1024


def introduced(ctx: LoadContext, tools: Iterable[str]) -> frozenset[str]:
    """Of ``tools``, those the head side runs and the base side runs nowhere: brought in by the
    change. Empty on the base side, and when the other side is not at hand."""
    if ctx.side is not Side.HEAD or ctx.other is None:
        return frozenset()
    base = ctx.other
    return frozenset(t for t in set(tools) & ROLLOUT_TOOLS if runs(ctx.snapshot, t) and not runs(base, t))


def runs(snapshot: Snapshot, tool: str) -> bool:
    """Whether ``snapshot`` names ``tool`` as a word in a file that starts tools, other than in the
    tool's own suppression comments (``# zizmor: ignore[…]``). Memoised per snapshot and tool."""
    memo = snapshot_memo(snapshot)
    key = f"invocations.{tool}"
    if key not in memo:
        memo[key] = _runs(snapshot, tool)
    return bool(memo[key])


def _runs(snapshot: Snapshot, tool: str) -> bool:
    # The name as a word (``zizmor``, ``zizmor-action``, ``pipx run bandit``), not inside another
    # (``banditry``), and not its own suppression comment (``# zizmor: ignore[…]``).
    word = re.compile(rf"(?<![\w-]){re.escape(tool)}(?!\w)(?!:\s*ignore)", re.IGNORECASE)
    for path in (*_FILES, *workflow_files(snapshot)):
        text = _text(snapshot, path)
        if text is not None and word.search(text):
            return True
    return False


def workflow_files(snapshot: Snapshot) -> list[str]:
    """The GitHub Actions workflow files of ``snapshot``, in order."""
    if not snapshot.is_dir(_WORKFLOWS):
        return []
    return sorted(p for p in snapshot.files_in(_WORKFLOWS) if p.endswith((".yml", ".yaml")))


def _text(snapshot: Snapshot, path: str) -> str | None:
    if snapshot.blob_id(path) is None:
        return None
    size = snapshot.size(path)
    if size is not None and size > _MAX_BYTES:
        return None
    try:
        return decode(snapshot.read(path))
    except (LoadError, KeyError, OSError):
        return None
