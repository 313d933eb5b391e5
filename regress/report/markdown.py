"""Markdown: the body of the pull-request comment and of the check run summary.

A summary line, then one section per category (unapproved first, most severe first), each a table
of location, rule, what changed, status and fingerprint; the same weakening in three or more files
is one row that names them and lists every fingerprint. Then how to approve, and what was not
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
#: The same weakening in this many files or more is shown as one row (``_rows``).
GROUP_MIN = 3
_GROUP_PATHS = 5


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


def _alike(f: Finding, progress: Mapping[str, str]) -> tuple[str, ...]:
    """What makes findings the same weakening in different files: rule, status, and the message
    with the finding's own file left out."""
    message = f.message.replace(f.location.path, "{file}") if f.location.path else f.message
    return (f.code, _status(f, progress), message)


def _rows(group: list[Finding], progress: Mapping[str, str]) -> list[tuple[str, int]]:
    """The table's rows, each with how many findings it stands for. The same weakening in
    ``GROUP_MIN`` or more files (a workflow template generated into every module, one base image
    in every Dockerfile) is one row naming the files and listing every fingerprint, so the
    comment stays readable and each finding can still be approved by its fingerprint."""
    keys = [_alike(f, progress) for f in group]
    alike: dict[tuple[str, ...], list[Finding]] = {}
    for f, key in zip(group, keys, strict=True):
        alike.setdefault(key, []).append(f)
    out: list[tuple[str, int]] = []
    done: set[tuple[str, ...]] = set()
    for f, key in zip(group, keys, strict=True):
        members = alike[key]
        if len(members) < GROUP_MIN:
            out.append((row(f, progress), 1))
            continue
        if key in done:
            continue
        done.add(key)
        paths = list(dict.fromkeys(m.location.path for m in members[1:] if m.location.path != f.location.path))
        shown = ", ".join(code(p) for p in paths[:_GROUP_PATHS])
        more = f" and {len(paths) - _GROUP_PATHS} more" if len(paths) > _GROUP_PATHS else ""
        where = f"{_where(f)} and {len(members) - 1} more"
        what = f"{cell(f.message)} (the same in {len(members) - 1} more: {shown}{more})" if paths else cell(f.message)
        prints = " ".join(f"`{m.fingerprint}`" for m in members)
        status = _status(f, progress)
        out.append((f"| {where} | **{f.name}** ({f.code}) | {what} | {status} | {prints} |", len(members)))
    return out


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


def _sections(report: Report, progress: Mapping[str, str]) -> list[tuple[str, list[tuple[str, int]]]]:
    """(section header lines, rows with the number of findings each stands for) per category."""
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
        out.append((header, _rows(group, progress)))
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
    full = "\n".join([head, *(h + "\n" + "\n".join(r for r, _ in rows) for h, rows in sections), tail]) + "\n"
    if size(full) <= limit:
        return full
    total = sum(n for _, rows in sections for _, n in rows)
    # Worst-case size of the line saying what was left out, reserved before any row is kept.
    where = f" in the full report: {details_url}" if details_url else " in the full report (regress diff --format json)"
    reserve = size(f"\n\n… {total} more findings are not shown{where}.\n")
    budget = limit - size(head) - size(tail) - reserve - 2
    parts = [head]
    shown = 0
    for header, rows in sections:
        need = size(header) + 1
        kept: list[str] = []
        for r, n in rows:
            if budget - need - size(r) - 1 < 0:
                break
            kept.append(r)
            shown += n
            need += size(r) + 1
        if not kept:
            break
        budget -= need
        parts.append(header + "\n" + "\n".join(kept))
        if len(kept) < len(rows):
            break
    parts.append(f"\n… {total - shown} more findings are not shown{where}.")
    out = "\n".join(parts) + ("\n" + tail if tail else "") + "\n"
    if size(out) > limit:
        # The tail alone is too large (only possible with a tiny limit): drop it.
        out = "\n".join(parts) + "\n"
    return out
