"""``regress diff``: the change between two revisions, a revision and the working tree, or two
folders."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from regress.errors import InputError, UsageError

FORMATS = ("text", "json", "sarif", "markdown", "github")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="report what a change weakens",
        description="Compare two sides and report every weakening. Sides: BASE..HEAD (two commits), "
        "BASE...HEAD (the merge base of the two, against HEAD, as a pull request shows), REV "
        "(REV against the working tree), nothing (HEAD against the working tree), or two folders.",
        epilog="exit codes: 0 no unapproved violations, 1 unapproved violations, 2 usage or input error",
    )
    p.add_argument("sides", nargs="*", metavar="SIDE", help="BASE..HEAD, BASE...HEAD, REV, or BASE_DIR HEAD_DIR")
    p.add_argument("--repo", default=".", help="the git repository (default: the current folder)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--output", "-o", help="write the report to this file instead of standard output")
    p.add_argument("--config", help="use this config file instead of the base side's .regress.yml")
    p.add_argument(
        "--approve",
        action="append",
        default=[],
        metavar="FINGERPRINT",
        help="approve a finding by its fingerprint (repeatable)",
    )
    p.add_argument(
        "--include", action="append", default=[], metavar="GLOB", help="only analyse paths matching GLOB (repeatable)"
    )
    p.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="do not analyse paths matching GLOB (repeatable)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from regress.api import diff_folders, diff_git, diff_worktree, tune_gc
    from regress.approvals import cli_entries
    from regress.config import parse
    from regress.engine import Options
    from regress.report import FORMATS as RENDERERS

    config = None
    if args.config:
        try:
            data = Path(args.config).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read config {args.config}: {exc.strerror}") from None
        config = parse(data, args.config)
    options = Options(config=config, include=args.include, exclude=args.exclude, approvals=cli_entries(args.approve))
    tune_gc()
    sides: list[str] = args.sides
    if len(sides) > 2:
        raise UsageError("give at most two sides")
    if len(sides) == 2 and all(os.path.isdir(s) for s in sides):
        report = diff_folders(Path(sides[0]), Path(sides[1]), options)
    elif len(sides) == 2:
        if any(os.path.isdir(s) for s in sides):
            missing = next(s for s in sides if not os.path.isdir(s))
            raise InputError(f"{missing}: no such folder (folder mode needs two folders)")
        report = diff_git(Path(args.repo), sides[0], sides[1], three_dot=False, options=options)
    elif len(sides) == 1 and "..." in sides[0]:
        base, _, head = sides[0].partition("...")
        report = diff_git(Path(args.repo), base or "HEAD", head or "HEAD", three_dot=True, options=options)
    elif len(sides) == 1 and ".." in sides[0]:
        base, _, head = sides[0].partition("..")
        report = diff_git(Path(args.repo), base or "HEAD", head or "HEAD", three_dot=False, options=options)
    else:
        report = diff_worktree(Path(args.repo), sides[0] if sides else "HEAD", options)
    rendered = RENDERERS[args.format](report)
    if args.output:
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc.strerror}") from None
        v = len(report.violations)
        print(f"regress: {v} unapproved violation{'s' if v != 1 else ''}, report in {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    return report.exit_code
