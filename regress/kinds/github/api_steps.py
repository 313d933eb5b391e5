"""Steps that only talk to GitHub's API: ``gh`` commands and ``actions/github-script`` scripts.

A step of this kind runs no code of the repository and fetches none: it labels, comments,
approves runs, deletes caches. A job made only of such steps (and of published actions) runs no
tests, whatever its name says ("Approve ok-to-test"), and under a privileged trigger it holds the
write token and secrets without ever running the pull request's code, the use GitHub documents
for ``pull_request_target`` ("label or comment on pull requests from forks. Avoid using this
event if you need to build or run code from the pull request": GitHub docs, "Events that trigger
workflows").

The test is an allow-list: a script counts only when every command it runs, including those in
its ``$(…)`` substitutions, is a ``gh`` command that fetches no code or a text tool of the shell.
Anything else (an interpreter, ``curl``, ``git``, a ``${{ … }}`` expression run as a command)
makes the step ordinary, so an unusual script is never taken for a harmless one.
"""

from __future__ import annotations

import re

from regress.kinds.ci.model import Step
from regress.kinds.ci.shell import substitutions, walk

#: Shell keywords and builtins the splitter leaves as commands, and text tools that read only
#: their input: none of them runs or fetches code.
_PLUMBING = frozenset(
    {
        "[",
        "[[",
        ":",
        "true",
        "false",
        "test",
        "echo",
        "printf",
        "read",
        "exit",
        "export",
        "set",
        "shift",
        "local",
        "declare",
        "readonly",
        "return",
        "break",
        "continue",
        "for",
        "case",
        "esac",
        "fi",
        "done",
        "sleep",
        "date",
        "jq",
        "grep",
        "cut",
        "tr",
        "sort",
        "uniq",
        "head",
        "tail",
        "wc",
    }
)
#: ``gh`` commands that bring code or files onto the runner (GitHub CLI manual): a checked-out
#: pull request, a cloned repository, a run's artifacts, release assets, an extension.
_GH_FETCHES = frozenset(
    {
        ("pr", "checkout"),
        ("pr", "diff"),
        ("repo", "clone"),
        ("repo", "fork"),
        ("gist", "clone"),
        ("run", "download"),
        ("release", "download"),
        ("attestation", "download"),
        ("extension", "install"),
        ("extension", "exec"),
    }
)
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
#: What lets a github-script script leave the API: a shell command (``exec``, the script's own
#: ``@actions/exec``), a module of the checkout (``require``/``import``), a child process.
_SCRIPT_ESCAPES = re.compile(r"\bexec\b|\brequire\s*\(|\bimport\s*\(|child_process|\bspawn\b")


def api_only_command(argv: tuple[str, ...]) -> bool:
    """Whether the command ``argv`` is a ``gh`` call that fetches no code or shell plumbing."""
    words = [w for w in argv if not _ASSIGN.match(w)] if argv and _ASSIGN.match(argv[0]) else list(argv)
    if not words:
        return True  # an assignment; its substitutions are read on their own
    verb = words[0]
    if verb == "gh":
        return tuple(words[1:3]) not in _GH_FETCHES
    return verb in _PLUMBING


def api_only_script(script: str) -> bool:
    """Whether every command of ``script`` is a ``gh`` call that fetches no code or plumbing."""
    scripts = [script, *substitutions(script)]
    return all(api_only_command(argv) for s in scripts for _cwd, argv in walk(s))


def api_only_step(step: Step) -> bool:
    """Whether ``step`` only calls GitHub's API: a run script of ``gh`` and plumbing commands, or
    an ``actions/github-script`` step whose script does not leave the API."""
    if step.run is not None:
        return not step.uses and api_only_script(step.run)
    if step.uses and step.uses.lower() == "actions/github-script" and step.via is None:
        script = step.inputs.get("script")
        return isinstance(script, str) and not _SCRIPT_ESCAPES.search(script)
    return False
