"""Whether a tox environment, nox session or Hatch environment run by a CI step is a linter rather
than a test suite.

``tox -e flake8`` and ``nox -s mypy`` start a runner of test environments, but what they run is
the environment's commands: an environment named after a linter (``flake8``, ``mypy``, ``black``,
``ruff``, ``lint``) lints. tox names environments by factors joined with ``-`` (tox docs, "Factors
and factor-conditional settings": ``py311-mypy``), so a name lints when one of its factors is a
linter and none says test. The environments come from ``-e``/``--envlist`` (tox), ``-s``/``-e``/
``--sessions`` (nox), else the ``TOXENV``/``NOXSESSION`` variables both tools read (tox docs,
"Environment variables"; nox docs, "Running", ``NOXSESSION``); without either the tool runs its
default list, which is not read here (unknown stays a test). A value from the job's matrix
(``tox -e ${{ matrix.env }}``) is read for every matrix combination.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from regress.kinds.ci.classify import LINT_COMMANDS, TEST, TEST_JOB_WORDS, Patterns, classify_command, unwrap
from regress.kinds.ci.model import MATRIX_REF
from regress.kinds.ci.shell import walk

#: Environment names that lint besides the linters' own names (LINT_COMMANDS): formatters run as
#: checks and the usual names of lint environments.
_LINT_NAMES = frozenset(
    {"lint", "linters", "linting", "black", "isort", "pep8", "pycodestyle", "pydocstyle", "codespell"}
    | {"format", "fmt", "style", "typing", "typecheck", "types", "pre-commit", "precommit"}
)
_LINTERS = frozenset(p.split()[0] for p in LINT_COMMANDS if "*" not in p.split()[0]) | _LINT_NAMES
_ENV_VARIABLES = {"tox": "TOXENV", "nox": "NOXSESSION"}
_ENV_OPTIONS = {"tox": ("-e", "--envlist"), "nox": ("-s", "-e", "--session", "--sessions")}


def lint_env(name: str) -> bool:
    """``flake8``, ``tip-mypy``, ``py311-lint`` lint; ``py311``, ``lint-tests`` do not."""
    if name in _LINTERS:
        return True
    factors = [f for f in re.split(r"[-_]", name.lower()) if f]
    return any(f in _LINTERS for f in factors) and not any(f in TEST_JOB_WORDS for f in factors)


def envs(words: Sequence[str], env: Mapping[str, str]) -> list[str] | None:
    """The environments a ``tox``/``nox`` command runs, or None when not known."""
    tool = words[0].rsplit("/", 1)[-1] if words else ""
    if ":" in tool:
        # `hatch run typing:test`, unwrapped to `typing:test`: the script `test` of the Hatch
        # environment `typing` (Hatch docs, "Environments"), a linter's when that one is.
        return [tool.split(":", 1)[0]]
    options = _ENV_OPTIONS.get(tool)
    if options is None:
        return None
    out: list[str] = []
    for i, word in enumerate(words[1:], 1):
        name, eq, value = word.partition("=")
        if name in options:
            value = value if eq else (words[i + 1] if i + 1 < len(words) else "")
        elif name.startswith("-e") and len(name) > 2 and not eq and tool == "tox":
            value = name[2:]  # `tox -eflake8`
        else:
            continue
        out.extend(v for v in value.split(",") if v)
    if not out and _ENV_VARIABLES[tool] in env:
        out = [v for v in str(env[_ENV_VARIABLES[tool]]).split(",") if v]
    return out or None


def lints_only(script: str, env: Mapping[str, str], patterns: Patterns) -> bool:
    """Every test command of ``script`` is a tox/nox run of linter environments only (and there is
    at least one)."""
    found = False
    for _cwd, argv in walk(script):
        if TEST not in classify_command(argv, patterns):
            continue
        names = envs(unwrap(argv), env)
        if not names or any("$" in n or "GHEXPR" in n or not lint_env(n) for n in names):
            return False
        found = True
    return found


def expansions(texts: Iterable[str], combos: Iterable[tuple[tuple[str, str], ...]]) -> list[list[str]] | None:
    """``texts`` with ``${{ matrix.X }}`` replaced by each combination's values, one list per
    combination; None when an axis is missing from a combination."""
    out: list[list[str]] = []
    for combo in combos:
        values = dict(combo)
        row: list[str] = []
        for text in texts:
            if any(m.group(1) not in values for m in MATRIX_REF.finditer(text)):
                return None
            row.append(MATRIX_REF.sub(lambda m, v=values: v[m.group(1)], text))  # type: ignore[misc]
        out.append(row)
    return out
