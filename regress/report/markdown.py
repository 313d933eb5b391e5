"""Markdown: the body of the pull-request comment and of the check run summary.

Grouped by category, unapproved first, each finding with its location, message and fingerprint,
and the command that approves it. ``render(report, limit)`` keeps the body under GitHub's comment
limit, ending with a pointer to the full list when it has to cut.
"""

from __future__ import annotations

from regress.engine import Report
from regress.findings import Category, Finding

MARKER = "<!-- regress:report -->"
#: GitHub refuses comment bodies over 65,536 characters; stay well below (multibyte text).
COMMENT_LIMIT = 60_000
_ICON = {Category.TESTS: "🧪", Category.SECURITY: "🔒", Category.MONITORING: "📈", Category.RELIABILITY: "🛟"}


def _row(f: Finding) -> str:
    loc = f"`{f.location}`" if f.location.side.value == "head" else f"`{f.location}` (removed)"
    msg = f.message.replace("|", "\\|").replace("\n", " ")
    status = (
        f"approved by {f.approval.by or f.approval.source}: {f.approval.reason}" if f.approval else f.severity.value
    )
    status = status.replace("|", "\\|").replace("\n", " ")
    return f"| {loc} | **{f.name}** ({f.code}) | {msg} | {status} | `{f.fingerprint}` |"


def render(report: Report, limit: int = COMMENT_LIMIT, details_url: str | None = None) -> str:
    v = report.violations
    approved = [f for f in report.findings if f.approved]
    head = [MARKER, "## regress"]
    if not report.findings:
        head.append("No weakening of tests, security, monitoring or reliability found.")
    else:
        head.append(
            f"**{len(v)} unapproved violation{'s' if len(v) != 1 else ''}**"
            + (f", {len(approved)} approved" if approved else "")
            + f" in `{report.base.label}`..`{report.head.label}`."
        )
    body: list[str] = []
    for cat in Category:
        group = [f for f in report.findings if f.category is cat]
        if not group:
            continue
        group.sort(key=lambda f: (f.approved, -f.severity.rank, f.sort_key()))
        body.append("")
        body.append(f"### {_ICON[cat]} {cat.value.capitalize()} ({len(group)})")
        body.append("")
        body.append("| where | rule | what changed | status | fingerprint |")
        body.append("|---|---|---|---|---|")
        body.extend(_row(f) for f in group)
    tail: list[str] = []
    if v:
        tail += [
            "",
            "To approve, comment `/regress approve <fingerprint…|all> <reason>` (writers only), "
            "or add an entry to `.regress/approvals.yml` on the base branch.",
        ]
    if report.notices:
        tail += ["", "<details><summary>Not analysed</summary>", ""]
        tail += [f"- {n.path + ': ' if n.path else ''}{n.message}" for n in report.notices[:50]]
        if len(report.notices) > 50:
            tail.append(f"- … and {len(report.notices) - 50} more")
        tail += ["", "</details>"]
    out = "\n".join(head + body + tail) + "\n"
    if len(out) <= limit:
        return out
    more = (
        f"\n\n… the list is too long for a comment; see the full report{f': {details_url}' if details_url else ''}.\n"
    )
    kept: list[str] = []
    size = len("\n".join(head)) + len(more) + 1
    for line in body:
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(head + kept) + more
