"""Which branches a CircleCI job runs on, from its ``filters``.

Docs "Configuration reference: filters": without filters a job runs for every branch push and no
tag; ``branches: only`` restricts to the listed names or ``/regex/``es, ``branches: ignore``
excludes them. Pull requests are built from branch pushes, so what matters for gating is whether
the job runs on *feature* branches — any branch other than the few long-lived ones.
"""

from __future__ import annotations

from typing import Any

#: ``all``: every branch; ``some``: branches matching a pattern; ``none``: only named branches
#: (main, release) or nothing.
REACH_ORDER = {"none": 0, "some": 1, "all": 2}


def _patterns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float))]
    return []


def _is_regex(p: str) -> bool:
    return len(p) >= 2 and p.startswith("/") and p.endswith("/")


def _matches_everything(p: str) -> bool:
    if not _is_regex(p):
        return False
    body = p[1:-1]
    return body in (".*", ".+", "^.*$", "^.+$", "(.*)", ".*?")


def branch_reach(filters: Any) -> str:
    branches = filters.get("branches") if isinstance(filters, dict) else None
    if not isinstance(branches, dict):
        return "all"
    only = _patterns(branches.get("only"))
    ignore = _patterns(branches.get("ignore"))
    if "only" in branches:
        if any(_matches_everything(p) for p in only):
            reach = "all"
        elif any(_is_regex(p) for p in only):
            reach = "some"
        else:
            return "none"
    else:
        reach = "all"
    if any(_matches_everything(p) for p in ignore):
        return "none"
    if ignore and reach == "all" and any(_is_regex(p) for p in ignore):
        reach = "some"
    return reach


def describe(filters: Any) -> str:
    branches = filters.get("branches") if isinstance(filters, dict) else None
    if not isinstance(branches, dict):
        return "all branches"
    parts = []
    if "only" in branches:
        parts.append("only " + ", ".join(_patterns(branches["only"])))
    if "ignore" in branches:
        ignored = _patterns(branches["ignore"])
        parts.append("ignoring " + ", ".join(ignored) if ignored else "ignoring no branch")
    return "; ".join(parts) or "all branches"
