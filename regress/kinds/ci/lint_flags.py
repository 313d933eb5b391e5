"""Warning limits of lint commands, read from their flags (CATALOGUE.md SC-17).

ESLint exits non-zero on errors always, and on warnings only when told how many it may tolerate:
``--max-warnings N`` ("Number of warnings to trigger nonzero exit code", default ``-1``, no limit;
ESLint docs, "Command Line Interface Reference"). ``next lint`` passes the same flag through
(Next.js docs, "next lint"). ``--quiet`` reports errors only, and from ESLint 9 also skips the
rules set to ``"warn"`` (ESLint docs, "Migrate to v9.x": "--quiet no longer runs rules set to
warn"), so a limit on warnings beside it can no longer fail anything.

A limit that is not a literal integer (``--max-warnings "$MAX"``) is unknown, and a command with
an unknown limit is left out rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from regress.kinds.ci.shell import split

#: No limit: ESLint's own default for ``--max-warnings``.
UNLIMITED = -1

#: Words that only start the linter: package runners and their own flags (``npx --yes eslint``).
_RUNNERS = frozenset({"npx", "bunx", "pnpx", "pnpm", "yarn", "npm", "bun", "exec", "dlx", "x", "--"})


@dataclass(frozen=True, slots=True)
class WarningLimit:
    """One lint command's tolerance of warnings."""

    tool: str
    #: The most warnings that still pass; ``UNLIMITED`` when warnings never fail the command.
    limit: int
    #: ``--quiet`` given: from ESLint 9 the rules set to warn do not run at all.
    quiet: bool
    #: 0-based line of the command inside the script.
    line: int

    @property
    def effective(self) -> int:
        """The limit as it acts: none once ``--quiet`` stops warnings being counted."""
        return UNLIMITED if self.quiet else self.limit


def _tool_at(argv: tuple[str, ...]) -> tuple[str, int] | None:
    """The lint tool in ``argv`` and where its own arguments start, past package runners."""
    for i, word in enumerate(argv):
        # `node_modules/.bin/eslint`, `npx eslint@9`: the name without folder and version.
        name = word.rsplit("/", 1)[-1].partition("@")[0]
        if name == "eslint":
            return "eslint", i + 1
        if name == "next" and argv[i + 1 : i + 2] == ("lint",):
            return "next lint", i + 2
        if name in _RUNNERS or (word.startswith("-") and i > 0):
            continue
        return None
    return None


def _limit(args: tuple[str, ...]) -> int | None:
    """``--max-warnings`` of these arguments (the last one wins, as with any repeated option);
    None when its value is not a literal integer."""
    found = UNLIMITED
    for i, word in enumerate(args):
        if word == "--max-warnings":
            raw = args[i + 1] if i + 1 < len(args) else ""
        elif word.startswith("--max-warnings="):
            raw = word.partition("=")[2]
        else:
            continue
        try:
            found = int(raw)
        except ValueError:
            return None
    return max(found, UNLIMITED)


def warning_limits(script: str | None) -> list[WarningLimit]:
    """The warning limit of every ESLint run in a shell script, in order."""
    if not script or "lint" not in script:
        return []
    out: list[WarningLimit] = []
    for cmd in split(script):
        found = _tool_at(cmd.argv)
        if found is None:
            continue
        tool, start = found
        args = cmd.argv[start:]
        limit = _limit(args)
        if limit is None:
            continue
        out.append(WarningLimit(tool, limit, "--quiet" in args, cmd.line))
    return out


def strictest(limits: list[WarningLimit]) -> WarningLimit | None:
    """The command that tolerates fewest warnings (an unlimited one only if none is limited)."""
    limited = [w for w in limits if w.effective != UNLIMITED]
    if limited:
        return min(limited, key=lambda w: w.effective)
    return limits[0] if limits else None


def loosened(before: WarningLimit, after: WarningLimit) -> str | None:
    """Why ``after`` lets more warnings through than ``before``; None when it does not."""
    if before.effective == UNLIMITED:
        return None
    if after.effective == UNLIMITED:
        if after.quiet and not before.quiet and after.limit != UNLIMITED:
            return (
                f"`--quiet` added beside `--max-warnings {after.limit}`: from ESLint 9 the rules set to warn do not run"
            )
        return f"`--max-warnings {before.limit}` removed: warnings no longer fail it"
    if after.effective > before.effective:
        return f"`--max-warnings` raised: {before.limit} → {after.limit}"
    return None
