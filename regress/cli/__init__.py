"""The ``regress`` command line: one module per subcommand, each adding its own parser."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from regress import __version__
from regress.errors import InputError, UsageError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
#: Subcommand modules that may be missing their dependencies; they are skipped then.
OPTIONAL_COMMANDS: tuple[str, ...] = ()


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (and exit 2) like every other input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    from regress.cli import app, approvals, diff, explain, reconcile, rules, serve, worker

    parser = _Parser(
        prog="regress",
        description="Judge the change: report what a change weakens in tests, "
        "security, monitoring and reliability, and require an explicit approval for it.",
    )
    parser.add_argument("--version", action="version", version=f"regress {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (diff, rules, explain):
        module.register(sub)
    # The GitHub App service (imports its dependencies only when run).
    for module in (serve, worker, reconcile, approvals, app):
        module.register(sub)
    for module in _optional_commands():
        module.register(sub)
    return parser


def _optional_commands() -> list[Any]:
    """Subcommands whose modules need the optional service dependencies (``pip install regress[app]``)."""
    import importlib

    out: list[Any] = []
    for name in OPTIONAL_COMMANDS:
        with contextlib.suppress(ImportError):
            out.append(importlib.import_module(f"regress.cli.{name}"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        code: int = args.run(args)
        return code
    except InputError as exc:
        print(f"regress: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("regress: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (regress … | head): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("REGRESS_DEBUG"):
            raise
        print(
            f"regress: internal error: {type(exc).__name__}: {exc} (set REGRESS_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def run() -> None:
    sys.exit(main())
