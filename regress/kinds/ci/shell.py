"""Just enough shell parsing to know which commands a script runs and whether their failure still
fails the step.

Not a shell: scripts are split into simple commands at ``;``, ``&&``, ``||``, ``|``, ``&`` and
newlines (quotes and ``\\`` continuations respected, comments and heredoc bodies dropped), and each
command keeps the operators around it, which is what "``pytest || true``" and "``pytest | tee``"
detection needs. Expressions such as ``${{ … }}`` and ``$(…)`` become one opaque word.
"""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

#: Words that introduce a command without being it.
PREFIX_WORDS = frozenset(
    {
        "if",
        "then",
        "else",
        "elif",
        "do",
        "while",
        "until",
        "!",
        "time",
        "exec",
        "sudo",
        "command",
        "nohup",
        "xvfb-run",
        "{",
        "(",
    }
)
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_GH_EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)


@dataclass(frozen=True, slots=True)
class Command:
    argv: tuple[str, ...]
    text: str
    #: The operator before and after this command: ``&&``, ``||``, ``|``, ``;``, ``&``, ``\n`` or "".
    before: str
    after: str
    line: int  # 0-based line inside the script


def redact(script: str) -> str:
    """Replace ``${{ … }}`` expressions by an opaque word so they cannot split commands."""
    return _GH_EXPR.sub("GHEXPR", script)


def shown(words: Sequence[str]) -> str:
    """A command as a reviewer reads it: quoted as the shell would, with each expression ``redact``
    replaced written as ``${{ … }}`` again."""
    return shlex.join(words).replace("GHEXPR", "${{ … }}")


def split(script: str) -> list[Command]:
    """The commands of a shell script, in order, with the operators around each."""
    return list(_split(script))


@functools.lru_cache(maxsize=4096)
def _split(script: str) -> tuple[Command, ...]:
    # Memoised: a step's script is split by the model, the classifier, step pairing and several
    # rules, on both sides, and the same commands recur across a repository's workflows.
    text = redact(script)
    out: list[Command] = []
    buf: list[str] = []
    start_line = 0
    line = 0
    before = ""
    i = 0
    n = len(text)
    heredoc: str | None = None
    pending_heredoc: str | None = None

    def flush(op: str) -> None:
        nonlocal buf, before, start_line
        raw = "".join(buf).strip()
        if raw:
            argv = _argv(raw)
            if argv:
                out.append(Command(argv, raw, before, op, start_line))
            before = op
        elif op in ("&&", "||", "|"):
            before = op
        buf = []
        start_line = line

    while i < n:
        ch = text[i]
        if heredoc is not None:
            end = text.find("\n", i)
            end = n if end < 0 else end
            if text[i:end].strip() == heredoc:
                heredoc = None
            i = end + 1
            line += 1
            start_line = line
            continue
        if ch == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
            line += 1
            buf.append(" ")
            continue
        if ch in "'\"":
            j = _quote_end(text, i)
            line += text.count("\n", i, j)
            buf.append(text[i:j])
            i = j
            continue
        if ch == "#" and (not buf or buf[-1][-1:].isspace() or "".join(buf).strip() == ""):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "$" and text.startswith("$(", i):
            j = _paren_end(text, i + 1)
            buf.append("SUBST")
            line += text.count("\n", i, j)
            i = j
            continue
        if ch == "<" and text.startswith("<<", i) and not text.startswith("<<<", i):
            m = re.match(r"<<-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?", text[i:])
            if m:
                pending_heredoc = m.group(1)
                buf.append(text[i : i + m.end()])
                i += m.end()
                continue
        if ch == "\n":
            flush("\n")
            line += 1
            start_line = line
            if pending_heredoc:
                heredoc, pending_heredoc = pending_heredoc, None
            i += 1
            continue
        two = text[i : i + 2]
        if two in ("&&", "||"):
            flush(two)
            i += 2
            continue
        if ch in ";|&":
            if ch == "&" and (text[i - 1 : i] in "<>" or text[i + 1 : i + 2] == ">"):
                buf.append(ch)  # redirections such as 2>&1, &>
                i += 1
                continue
            flush(ch)
            i += 1
            continue
        buf.append(ch)
        i += 1
    flush("")
    return tuple(out)


def _quote_end(text: str, i: int) -> int:
    q = text[i]
    j = i + 1
    while j < len(text):
        if text[j] == "\\" and q == '"':
            j += 2
            continue
        if text[j] == q:
            return j + 1
        j += 1
    return len(text)


def _paren_end(text: str, i: int) -> int:
    depth = 0
    j = i
    while j < len(text):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        elif text[j] in "'\"":
            j = _quote_end(text, j) - 1
        j += 1
    return len(text)


def _argv(raw: str) -> tuple[str, ...]:
    try:
        words = shlex.split(raw, comments=False, posix=True)
    except ValueError:
        words = raw.split()
    words = _unglued(words)
    while words and (words[0] in PREFIX_WORDS or _ASSIGN.match(words[0])):
        if words[0] == "sudo":
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[1:]
            continue
        words = words[1:]
    if words and words[0] == "env":
        words = words[1:]
        while words and (_ASSIGN.match(words[0]) or words[0].startswith("-")):
            words = words[1:]
    return tuple(words)


def _unglued(words: list[str]) -> list[str]:
    """The words of a command without the parentheses of its shell syntax glued to them: a case
    pattern before it (`unit) ./test ;;`, `(e2e|int) go test ./e2e/... ;;`: the pattern is no
    command), and a subshell's parentheses around it (`(cd build && make check)` runs `cd build`,
    then `make check`). An arithmetic `((` and a `$(…)` word keep theirs."""
    if words and words[0].endswith(")") and not words[0].endswith("))") and "(" not in words[0][1:]:
        words = words[1:]  # a case pattern: `pat)` or POSIX `(pat)`
    if words and words[0].startswith("(") and not words[0].startswith("(("):
        words = [words[0][1:], *words[1:]] if len(words[0]) > 1 else words[1:]
    if words and words[-1].endswith(")") and not words[-1].endswith("))") and "(" not in words[-1]:
        words = [*words[:-1], words[-1][:-1]] if len(words[-1]) > 1 else words[:-1]
    return words


#: Test runners' own way of running again only what failed: ctest's ``--rerun-failed`` ("Run only
#: the tests that failed previously", ctest(1)) and pytest's ``--lf``/``--last-failed`` ("rerun
#: only the tests that failed at the last run", pytest docs, "Cache: working with cross-testrun
#: state"). A run followed by its rerun fails the script when the rerun fails.
RERUN_FLAGS = {"ctest": frozenset({"--rerun-failed"}), "pytest": frozenset({"--lf", "--last-failed"})}


def _tool(argv: Sequence[str]) -> str:
    words = list(argv)
    if len(words) >= 3 and words[0].rsplit("/", 1)[-1].startswith("python") and words[1] == "-m":
        words = words[2:]
    name = words[0].rsplit("/", 1)[-1] if words else ""
    return "pytest" if name == "py.test" else name


def rerun_of(cmds: list[Command], index: int) -> int | None:
    """The index of a later command that runs again the failed tests of ``cmds[index]`` (``ctest``
    then ``ctest --rerun-failed``), or None."""
    tool = _tool(cmds[index].argv)
    if tool not in RERUN_FLAGS or RERUN_FLAGS[tool] & set(cmds[index].argv):
        return None
    for j in range(index + 1, len(cmds)):
        if _tool(cmds[j].argv) == tool and RERUN_FLAGS[tool] & set(cmds[j].argv):
            return j
    return None


def swallowed(cmds: list[Command], index: int, errexit: bool, pipefail: bool) -> str | None:
    """Why the failure of ``cmds[index]`` no longer fails the script, or None if it still does.
    A failure whose tests a later command runs again, whose own failure still fails the script
    (``ctest; ctest --rerun-failed`` as the last command), is retried, not swallowed.

    ``errexit``/``pipefail`` are the shell's options when the script starts (``bash -e {0}`` …).
    """
    why = _swallowed(cmds, index, errexit, pipefail)
    if why is not None:
        rerun = rerun_of(cmds, index)
        if rerun is not None and _swallowed(cmds, rerun, errexit, pipefail) is None:
            return None
    return why


def _swallowed(cmds: list[Command], index: int, errexit: bool, pipefail: bool) -> str | None:
    cmd = cmds[index]
    if cmd.after == "||":
        nxt = cmds[index + 1] if index + 1 < len(cmds) else None
        if nxt is None or not (nxt.argv[:1] == ("exit",) and nxt.argv[1:2] not in (("0",),)):
            shown = nxt.text if nxt is not None else ""
            return f"'|| {shown}'" if shown else "'||'"
    if cmd.after == "|" and not (pipefail or _sets_pipefail(cmds[:index])):
        nxt = cmds[index + 1] if index + 1 < len(cmds) else None
        if nxt is None or not (_propagates_failure(nxt) and nxt.after != "|"):
            return "its output is piped without pipefail, so the pipe's last command decides"
    if cmd.after == "&":
        return "it runs in the background"
    words = cmd.text.split()
    if cmd.before == "!" or cmd.argv[:1] == ("!",) or words[:1] == ["!"]:
        return "its status is negated"
    if words[:1] in (["if"], ["elif"], ["while"], ["until"]):
        # A condition's status never triggers errexit (bash manual, "The Set Builtin"); it fails
        # the script only if a branch then exits non-zero.
        if not _branch_exits_nonzero(cmds, index):
            return f"it is the condition of '{words[0]}' and no branch exits non-zero"
        return None
    errexit_now = _errexit_at(cmds[:index], errexit)
    if not errexit_now:
        later = [c for c in cmds[index + 1 :] if c.argv]
        if later and cmd.after not in ("&&",):
            return "'set +e' (or no -e) and it is not the last command"
    return None


def _propagates_failure(reader: Command) -> bool:
    """A command that reads a test run's output and exits non-zero when that run failed, so a pipe
    into it still fails without pipefail:

    - tparse exits with its summary's exit code, non-zero when a package failed
      (mfridman/tparse: ``internal/app/app.go``, ``return summary.ExitCode()``);
    - go-junit-report with ``-set-exit-code`` (jstemmer/go-junit-report README, "Usage").
    """
    name = reader.argv[0].rsplit("/", 1)[-1] if reader.argv else ""
    if name == "tparse":
        return True
    return name == "go-junit-report" and any(a.lstrip("-") == "set-exit-code" for a in reader.argv[1:])


def _branch_exits_nonzero(cmds: list[Command], index: int) -> bool:
    depth = 0
    for c in cmds[index + 1 :]:
        first = c.text.split()[:1]
        if first in (["if"], ["case"]):
            depth += 1
        elif first in (["fi"], ["esac"]):
            if depth == 0:
                return False
            depth -= 1
        if c.argv[:1] == ("exit",) and c.argv[1:2] != ("0",):
            return True
        if c.argv[:1] == ("false",):
            return True
    return False


def _errexit_at(cmds: list[Command], initial: bool) -> bool:
    state = initial
    for c in cmds:
        if c.argv[:1] == ("set",):
            for flag in c.argv[1:]:
                if flag.startswith("-") and "e" in flag[1:] and not flag.startswith("--"):
                    state = True
                elif flag.startswith("+") and "e" in flag[1:]:
                    state = False
                elif flag == "errexit" and "-o" in c.argv:
                    state = True
    return state


def _sets_pipefail(cmds: list[Command]) -> bool:
    for c in cmds:
        if c.argv[:1] == ("set",) and "pipefail" in c.argv:
            return "-o" in c.argv or any(a.startswith("-") and "o" in a for a in c.argv[1:])
    return False


def shell_options(template: str | None) -> tuple[bool, bool]:
    """(errexit, pipefail) of a shell command template such as ``bash -e {0}``; PowerShell, cmd
    and anything else that is not a POSIX shell only keep the last command's status."""
    words = (template or "").split()
    if not words or words[0].rsplit("/", 1)[-1] not in ("bash", "sh", "zsh", "dash", "ksh"):
        return False, False
    flags = "".join(w[1:] for w in words[1:] if w.startswith("-") and not w.startswith("--"))
    return "e" in flags, "pipefail" in words


def substitutions(script: str) -> list[str]:
    """The scripts inside the ``$(…)`` command substitutions of ``script``, outermost first and
    then nested ones, which ``split`` keeps as one opaque word (``TESTS=$(circleci tests glob …)``).
    Single-quoted text is skipped: the shell does not substitute there."""
    out: list[str] = []
    todo = [redact(script)]
    while todo and len(out) < 100:
        text = todo.pop()
        i = 0
        while i < len(text):
            if text[i] == "'":
                i = _quote_end(text, i)
                continue
            if text.startswith("$(", i) and not text.startswith("$((", i):
                j = _paren_end(text, i + 1)
                inner = text[i + 2 : j - 1]
                out.append(inner)
                todo.append(inner)
                i = j
                continue
            i += 1
    return out


#: Words that introduce a command run by another program: ``su user -c 'go test ./...'``,
#: ``sh -c '…'``, ``bash -lc '…'``.
_SHELLS = frozenset({"su", "sh", "bash", "zsh", "dash"})
#: How deep ``sh -c`` scripts nested in scripts are read: deeper ones are left as one command.
_MAX_DEPTH = 3


def walk(script: str, start: str | None = "", depth: int = 0) -> Iterator[tuple[str | None, tuple[str, ...]]]:
    """Every command ``script`` runs with the folder it starts in (relative to the checkout, ""
    for its root, None when unknown), from ``start``: ``cd``, ``pushd`` and ``popd`` move the
    folder, and the script of ``sh -c SCRIPT``/``su USER -c SCRIPT`` is read in place, from the
    folder it is started in (its own ``cd`` ends with it, as its shell does)."""
    cwd = start
    stack: list[str | None] = []
    for cmd in split(script):
        argv = cmd.argv
        verb = argv[0] if argv else ""
        if verb in ("cd", "pushd"):
            if verb == "pushd":
                stack.append(cwd)
            cwd = change_dir(cwd, argv[1:])
            continue
        if verb == "popd":
            cwd = stack.pop() if stack else None
            continue
        inner = _inner_script(argv)
        if inner is not None and depth < _MAX_DEPTH:
            yield from walk(inner, cwd, depth + 1)
            continue
        yield cwd, argv


def _inner_script(argv: tuple[str, ...]) -> str | None:
    """The script of ``su user -c SCRIPT`` / ``sh -c SCRIPT``, if that is what ``argv`` is."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in _SHELLS:
        return None
    for i, word in enumerate(argv[1:], start=1):
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:] and i + 1 < len(argv):
            return argv[i + 1]
    return None


def change_dir(cwd: str | None, args: Sequence[str]) -> str | None:
    """The folder ``cd ARGS`` leaves a script in, from ``cwd``: None when either is unknown (a
    variable, the home folder, ``cd -``) or the target lies outside the checkout."""
    target = next((a for a in args if not a.startswith("-")), None)
    if cwd is None or target is None or "$" in target or target.startswith(("~", "/")) or "GHEXPR" in target:
        return None
    joined = posixpath.normpath(posixpath.join(cwd or ".", target))
    return "" if joined == "." else None if joined.startswith("..") else joined
