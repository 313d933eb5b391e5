"""Steps that run only the repository's own code under a privileged trigger.

Under ``pull_request_target`` a workflow runs with ``GITHUB_SHA`` set to the last commit of the
pull request's *base* branch; under ``issue_comment``, ``workflow_run`` and ``schedule``, to the
last commit of the default branch (GitHub docs, "Events that trigger workflows", the
``GITHUB_SHA``/``GITHUB_REF`` of each event). ``actions/checkout`` with no ``ref`` checks out that
commit ("When checking out the repository that triggered a workflow, this defaults to the
reference or SHA for that event": actions/checkout README, ``ref`` input), so what it brings onto
the runner is the repository's reviewed code, not the pull request's. GitHub's own guide names
the danger as the opposite case: a checkout of the pull request's head or merge commit, or of the
fork's repository, followed by building or running it (GitHub docs, "Securely using
pull_request_target"; GitHub Security Lab, "Keeping your GitHub Actions and workflows secure:
Preventing pwn requests").

The tests here are allow-lists, like :mod:`regress.kinds.github.api_steps`: a checkout counts as
the base's only when its ``ref``/``repository`` are absent or name the base; a script counts only
when every command runs a file of the checkout, a ``gh`` call or a shell text tool; a
github-script counts only when the only modules it loads are files of the checkout and a few of
Node's built-ins that read files. A build tool, a package manager, ``git``, ``curl``, an inline
interpreter (``python -c``) or an unknown ``ref`` leaves the step ordinary: it may fetch or run the
pull request's code, and an unknown stays unknown. What a repository script does with the event
payload is the script's own, reviewed business; this reads the workflow, not the scripts.
"""

from __future__ import annotations

import re

from regress.kinds.ci.model import Step
from regress.kinds.ci.shell import substitutions, walk
from regress.kinds.ci.signals import UNTRUSTED_REFS
from regress.kinds.github.api_steps import api_only_command
from regress.kinds.github.expr import expressions_in

#: Contexts whose value on a privileged run is the base repository's own ref or commit: the
#: run's ``GITHUB_SHA``/``GITHUB_REF`` (see the module docstring), the pull request's base, the
#: default branch.
_BASE_CONTEXTS = frozenset(
    {
        "github.sha",
        "github.ref",
        "github.ref_name",
        "github.base_ref",
        "github.event.pull_request.base.sha",
        "github.event.pull_request.base.ref",
        "github.event.repository.default_branch",
    }
)
#: Interpreters that run a script file named as their first operand, with their options that
#: take the code to run, or a module to load, instead (bash/sh ``-c``, python ``-c``/``-m``,
#: node ``-e``/``-p``/``-r``, ruby and perl ``-e``, pwsh ``-Command``: each tool's manual).
_INTERPRETERS: dict[str, frozenset[str]] = {
    "bash": frozenset({"-c", "-s"}),
    "sh": frozenset({"-c", "-s"}),
    "zsh": frozenset({"-c", "-s"}),
    "python": frozenset({"-c", "-m"}),
    "python3": frozenset({"-c", "-m"}),
    "node": frozenset({"-e", "--eval", "-p", "--print", "-r", "--require", "--import", "--loader"}),
    "ruby": frozenset({"-e", "-r"}),
    "perl": frozenset({"-e", "-E", "-M", "-m"}),
    "pwsh": frozenset({"-c", "-command", "-encodedcommand", "-ec"}),
}
#: Modules a github-script may load without leaving the API: the checkout's own files (a relative
#: path, or one under ``$GITHUB_WORKSPACE``, which github-script's ``require`` resolves from the
#: workspace: actions/github-script README, "Run a separate file") and Node built-ins that only
#: read files and paths.
_MODULE_LOADS = re.compile(
    r"""\b(?:require|import)\s*\(\s*(?P<q>['"`])(?P<mod>[^'"`]*)(?P=q)\s*\)""",
)
_SAFE_BUILTINS = frozenset({"fs", "fs/promises", "path", "os", "util"})
#: What lets a github-script script run something other than the API and the modules above.
_ESCAPES = re.compile(r"\bexec\b|\brequire\s*\(|\bimport\s*\(|child_process|\bspawn\b|\beval\s*\(|\bFunction\s*\(")


def _base_expr(text: str) -> bool:
    """Whether every ``${{ … }}`` in ``text`` names a base context."""
    return all(body.lower() in _BASE_CONTEXTS for body in expressions_in(text))


def base_checkout(step: Step) -> bool:
    """Whether ``step`` (an ``actions/checkout``) checks out the base repository at the run's own
    commit or another ref of the base: no ``ref`` and no ``repository``, or only base contexts in
    them. A ``ref`` from a step output or an input is unknown and does not count."""
    ref = step.inputs.get("ref")
    if ref not in (None, ""):
        if not isinstance(ref, str):
            return False
        low = ref.lower()
        if any(u in low for u in UNTRUSTED_REFS) or not _base_expr(ref):
            return False
    repo = step.inputs.get("repository")
    # The fork's repository (``…head.repo.full_name``) is the pull request's code; a fixed other
    # repository is not the base's either. Only ``github.repository`` is.
    return repo in (None, "") or (isinstance(repo, str) and repo.replace(" ", "") == "${{github.repository}}")


def _relative_file(word: str) -> bool:
    """A path into the checkout: ``./x``, ``scripts/x``, ``x.sh``; not an absolute path, a
    variable or an expression (which may point anywhere)."""
    if not word or word.startswith(("/", "$", "~", "-")) or "${{" in word or ".." in word.split("/"):
        return False
    return word.startswith("./") or "/" in word or "." in word.strip(".")


def _runs_repository_file(argv: tuple[str, ...]) -> bool:
    verb = argv[0]
    if _relative_file(verb) and (verb.startswith("./") or "/" in verb):
        return True
    code_flags = _INTERPRETERS.get(verb)
    if code_flags is None:
        return False
    for word in argv[1:]:
        if word.split("=")[0].lower() in code_flags:
            return False
        if word.startswith("-"):
            continue
        return _relative_file(word)
    return False  # an interpreter reading its code from stdin


def base_script(script: str) -> bool:
    """Whether every command of ``script`` (its ``$(…)`` substitutions included) runs a file of
    the checkout, or is a ``gh`` call that fetches no code or a shell text tool."""
    scripts = [script, *substitutions(script)]
    return all(api_only_command(argv) or _runs_repository_file(argv) for s in scripts for _cwd, argv in walk(s) if argv)


def base_module_script(script: str) -> bool:
    """Whether a github-script ``script`` loads only files of the checkout and read-only Node
    built-ins, and runs no command: ``require('./.github/scripts/triage.js')``."""
    for m in _MODULE_LOADS.finditer(script):
        mod = m.group("mod")
        name = mod.removeprefix("node:")
        local = mod.startswith(("./", "${process.env.GITHUB_WORKSPACE}/")) and ".." not in mod.split("/")
        if not local and name not in _SAFE_BUILTINS:
            return False
    return not _ESCAPES.search(_MODULE_LOADS.sub("", script))
