"""``regress rules``: the catalogue of rules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rules",
        help="list every rule",
        description="List every rule with its code, name, category, severity and the file kinds it applies to.",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: building the command line (``regress --version``) needs no rule.
    from regress.rules.registry import all_rules

    rules = all_rules()
    if args.format == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "category": r.category.value,
                "severity": r.severity.value,
                "kinds": list(r.kinds),
                "summary": r.title,
                "options": [{"name": o.name, "default": o.default, "description": o.description} for o in r.options],
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    width = max(len(r.name) for r in rules)
    for r in rules:
        sys.stdout.write(
            f"{r.code:7} {r.name:{width}}  {r.category.value:11} {r.severity.value:8} {','.join(r.kinds)}\n"
        )
    return 0
