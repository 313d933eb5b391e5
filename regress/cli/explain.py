"""``regress explain NAME|CODE``: one rule's documentation, generated from the rule itself."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from regress.errors import InputError

if TYPE_CHECKING:
    from regress.rules.base import Rule


def register(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="show one rule's documentation",
        description="What a rule does, why it matters, an example, how to resolve, options.",
    )
    p.add_argument("rule", metavar="NAME|CODE")
    p.set_defaults(run=run)


def render(rule: Rule) -> str:
    out = [
        f"# {rule.name} ({rule.code})",
        "",
        rule.title,
        "",
        f"Category: {rule.category.value}   Severity: {rule.severity.value}   Applies to: {', '.join(rule.kinds)}",
        "",
    ]
    for section, text in rule.sections().items():
        out += [f"## {section}", text, ""]
    return "\n".join(out).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    # Imported here: building the command line (``regress --version``) needs no rule.
    from regress.rules.registry import all_rules, by_name_or_code

    rule = by_name_or_code(args.rule)
    if rule is None:
        close = [r.name for r in all_rules() if args.rule.lower() in r.name][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; see regress rules"
        raise InputError(f"no rule named {args.rule!r}{hint}")
    sys.stdout.write(render(rule))
    return 0
