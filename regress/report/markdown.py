"""Markdown: the body of the pull-request comment and of the check run summary.

A summary line, then one section per category (unapproved first, most severe first), each a table
of location, rule, what changed, status and fingerprint; then how to approve, and what was not
analysed. ``render(report, limit)`` keeps the body within GitHub's comment limit.

GitHub refuses an issue or PR comment body over 65,536 characters. Its count is not the number of
Python code points for every text (an emoji is one code point but two UTF-16 units, and the limit
has been reported in bytes for some endpoints), so the limit is applied to the UTF-8 byte length,
which is never smaller than either count: a body that fits in bytes fits however GitHub counts.
When the findings do not fit, whole rows are dropped from the end (least severe, approved) and a
line says how many were left out and where the full report is.
"""

from __future__ import annotations

from collections.abc import Mapping

from regress.engine import Report
from regress.findings import Category, Finding

MARKER = "<!-- regress:report -->"
#: GitHub's limit for a comment body (see the module docstring), measured in UTF-8 bytes here.
COMMENT_LIMIT = 65_536
#: One table cell never takes more than this many characters, so one huge value cannot crowd out
#: every other finding.
CELL_LIMIT = 600
_ICON = {Category.TESTS: "🧪", Category.SECURITY: "🔒", Category.MONITORING: "📈", Category.RELIABILITY: "🛟"}
_NOTICE_LIMIT = 50


def size(text: str) -> int:
    """The size the comment limit is checked against: UTF-8 bytes."""
    return len(text.encode("utf-8"))


def cell(text: str) -> str:
    """Free text made safe for one table cell: one line, no table or HTML breakage, no @mentions."""
    flat = " ".join(text.split())
    if len(flat) > CELL_LIMIT:
        flat = flat[: CELL_LIMIT - 1] + "…"
    return (
        flat.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        # An @ after a space would notify a user or team; the entity renders the same without it.
        .replace("@", "&#64;")
    )


def code(text: str) -> str:
    """An inline code span that survives backticks and pipes inside ``text``."""
    flat = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in flat else "`"
    return f"{fence} {flat} {fence}" if fence == "``" else f"`{flat}`"


def _where(f: Finding) -> str:
    loc = code(str(f.location))
    return loc if f.location.side.value == "head" else f"{loc} (base side; file removed)"


def _status(f: Finding, progress: Mapping[str, str]) -> str:
    if f.approval is None:
        partly = progress.get(f.fingerprint)
        return f"**{f.severity.value}**" + (f", {cell(partly)}" if partly else "")
    who = f.approval.by or f.approval.source
    return f"✅ approved by {cell(who)}: {cell(f.approval.reason)}"


def row(f: Finding, progress: Mapping[str, str] | None = None) -> str:
    status = _status(f, progress or {})
    return f"| {_where(f)} | **{f.name}** ({f.code}) | {cell(f.message)} | {status} | `{f.fingerprint}` |"


def _summary(report: Report) -> list[str]:
    v = report.violations
    approved = len(report.findings) - len(v)
    head = [MARKER, "## regress"]
    if not report.findings:
        head.append("No weakening of tests, security, monitoring or reliability found.")
        return head
    counts = ", ".join(f"{_ICON[c]} {c.value} {n}" for c in Category if (n := sum(1 for f in v if f.category is c)))
    head.append(
        f"**{len(v)} unapproved violation{'s' if len(v) != 1 else ''}**"
        + (f", {approved} approved" if approved else "")
        + f" in {code(report.base.label)}..{code(report.head.label)}"
        + (f" ({counts})" if counts else "")
        + "."
    )
    return head


def _sections(report: Report, progress: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """(section header lines, rows) per category with findings."""
    out = []
    for cat in Category:
        group = [f for f in report.findings if f.category is cat]
        if not group:
            continue
        group.sort(key=lambda f: (f.approved, -f.severity.rank, f.sort_key()))
        header = "\n".join(
            [
                "",
                f"### {_ICON[cat]} {cat.value.capitalize()} ({len(group)})",
                "",
                "| where | rule | what changed | status | fingerprint |",
                "|---|---|---|---|---|",
            ]
        )
        out.append((header, [row(f, progress) for f in group]))
    return out


def _tail(report: Report) -> list[str]:
    tail: list[str] = []
    if report.violations:
        tail += [
            "",
            "To approve, comment `/regress approve <fingerprint…|all> <reason>` (in a comment or a review; "
            "who may approve is set by the base branch's `.regress.yml`, writers by default), "
            "or add an entry to `.regress/approvals.yml` on the base branch.",
        ]
    if report.notices:
        tail += ["", "<details><summary>Not analysed</summary>", ""]
        for n in report.notices[:_NOTICE_LIMIT]:
            where = f"{code(n.path + (f':{n.line}' if n.line else ''))}: " if n.path else ""
            tail.append(f"- {where}{cell(n.message)}")
        if len(report.notices) > _NOTICE_LIMIT:
            tail.append(f"- … and {len(report.notices) - _NOTICE_LIMIT} more")
        tail += ["", "</details>"]
    return tail


def render(
    report: Report,
    limit: int = COMMENT_LIMIT,
    details_url: str | None = None,
    progress: Mapping[str, str] | None = None,
) -> str:
    """``progress``: by fingerprint, how far an unapproved finding's approval has come (the App's
    ``1 of 2 approvals (wendy)``), shown in its status."""
    head = "\n".join(_summary(report))
    sections = _sections(report, progress or {})
    tail = "\n".join(_tail(report))
    full = "\n".join([head, *(h + "\n" + "\n".join(rows) for h, rows in sections), tail]) + "\n"
    if size(full) <= limit:
        return full
    total = sum(len(rows) for _, rows in sections)
    # Worst-case size of the line saying what was left out, reserved before any row is kept.
    where = f" in the full report: {details_url}" if details_url else " in the full report (regress diff --format json)"
    reserve = size(f"\n\n… {total} more findings are not shown{where}.\n")
    budget = limit - size(head) - size(tail) - reserve - 2
    parts = [head]
    shown = 0
    for header, rows in sections:
        need = size(header) + 1
        kept: list[str] = []
        for r in rows:
            if budget - need - size(r) - 1 < 0:
                break
            kept.append(r)
            need += size(r) + 1
        if not kept:
            break
        budget -= need
        shown += len(kept)
        parts.append(header + "\n" + "\n".join(kept))
        if len(kept) < len(rows):
            break
    parts.append(f"\n… {total - shown} more findings are not shown{where}.")
    out = "\n".join(parts) + ("\n" + tail if tail else "") + "\n"
    if size(out) > limit:
        # The tail alone is too large (only possible with a tiny limit): drop it.
        out = "\n".join(parts) + "\n"
    return out
