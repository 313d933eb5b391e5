"""Plain text for terminals: one block per finding, then notices and a summary line."""

from __future__ import annotations

from regress.engine import Report
from regress.findings import Finding


def _finding(f: Finding) -> list[str]:
    mark = "approved" if f.approved else f.severity.value
    where = str(f.location) if f.location.side.value == "head" else f"{f.location} (base side; file removed)"
    lines = [f"{where}: {f.code} {f.name} [{f.category.value}, {mark}]", f"    {f.message}"]
    for loc in f.related:
        lines.append(f"    {loc.side.value}: {loc}")
    if f.approval is not None:
        by = f" by {f.approval.by}" if f.approval.by else ""
        lines.append(f"    approved{by} ({f.approval.source}): {f.approval.reason}")
    lines.append(f"    fingerprint {f.fingerprint}")
    return lines


def render(report: Report) -> str:
    out: list[str] = []
    for f in report.findings:
        out.extend(_finding(f))
        out.append("")
    for n in report.notices:
        where = f"{n.path}:{n.line}" if n.path and n.line else (n.path or "")
        out.append(f"note: {where + ': ' if where else ''}{n.message}")
    if report.notices:
        out.append("")
    v = len(report.violations)
    a = len(report.findings) - v
    if not report.findings:
        out.append(f"regress: no weakening found ({report.base.label}..{report.head.label})")
    else:
        out.append(
            f"regress: {v} unapproved violation{'s' if v != 1 else ''}"
            f"{f', {a} approved' if a else ''} ({report.base.label}..{report.head.label})"
        )
        if v:
            out.append("approve with a reason in .regress/approvals.yml, or: regress diff … --approve FINGERPRINT")
    return "\n".join(out) + "\n"
