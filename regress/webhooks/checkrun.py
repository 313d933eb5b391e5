"""What the check run says: conclusion, output and annotations, within GitHub's limits.

Limits (REST API description, ``checks/create`` and ``checks/update``): ``output.summary`` and
``output.text`` at most 65,535 characters, ``title`` of an annotation at most 255, at most 50
annotations per request (more are sent with further updates, which append), at most three
``actions`` with a 20-character label and identifier and a 40-character description.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from regress.engine import Report
from regress.findings import Finding, Severity
from regress.report import markdown
from regress.webhooks import approving
from regress.webhooks.approving import Tally
from regress.webhooks.store import StoredApproval, iso

NAME = "regress"
OUTPUT_LIMIT = 65_535
ANNOTATIONS_PER_REQUEST = 50
APPROVE_ALL = "approve-all"
ACTIONS = [{"label": "Approve all", "description": "Approve every finding of this run", "identifier": APPROVE_ALL}]
_LEVEL = {Severity.CRITICAL: "failure", Severity.HIGH: "failure", Severity.MEDIUM: "warning", Severity.LOW: "warning"}


class Conclusion(enum.StrEnum):
    SUCCESS = "success"
    ACTION_REQUIRED = "action_required"
    FAILURE = "failure"


def conclusion(report: Report) -> Conclusion:
    return Conclusion.ACTION_REQUIRED if report.violations else Conclusion.SUCCESS


def title(report: Report) -> str:
    v, approved = len(report.violations), len(report.findings) - len(report.violations)
    if not report.findings:
        return "No weakening found"
    if not v:
        return f"All {approved} finding{'s' if approved != 1 else ''} approved"
    return f"{v} unapproved violation{'s' if v != 1 else ''}" + (f", {approved} approved" if approved else "")


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = "\n\n… (cut to fit GitHub's limit)\n"
    return text[: limit - len(cut)] + cut


def _lapsed(a: StoredApproval, tallies: Mapping[str, Tally]) -> list[str]:
    """Why ``a`` no longer counts for the open findings it approved (the policy was made
    stricter since), from the findings' tallies."""
    prefix = f"approval by @{a.approver} "
    notes = [
        note.removeprefix(prefix)
        for fp in sorted(a.fingerprints)
        if fp in tallies
        for note in tallies[fp].lapsed
        if note.startswith(prefix)
    ]
    return list(dict.fromkeys(notes))


def approvals_text(approvals: Sequence[StoredApproval], tallies: Mapping[str, Tally] | None = None) -> str:
    """The approval audit table the check run carries (who, when, why, which fingerprints, and
    whether each still counts)."""
    if not approvals:
        return ""
    lines = ["### Approvals", "", "| when | who | how | fingerprints | reason | status |", "|---|---|---|---|---|---|"]
    for a in approvals:
        status = f"revoked by {a.revoked_by} {iso(a.revoked)}" if a.revoked else "active"
        if a.revoked is None and (lapsed := _lapsed(a, tallies or {})):
            status += ", " + "; ".join(lapsed).replace("|", "\\|")
        reason = a.reason.replace("|", "\\|").replace("\n", " ")
        fps = ", ".join(f"`{fp}`" for fp in sorted(a.fingerprints))
        lines.append(f"| {iso(a.created)} | @{a.approver} ({a.role}) | {a.source} | {fps} | {reason} | {status} |")
    return "\n".join(lines) + "\n"


def output(
    report: Report,
    approvals: Sequence[StoredApproval],
    details_url: str | None,
    tallies: Mapping[str, Tally] | None = None,
) -> dict[str, Any]:
    summary = markdown.render(
        report, limit=OUTPUT_LIMIT - 200, details_url=details_url, progress=approving.progress(tallies)
    )
    out: dict[str, Any] = {"title": title(report), "summary": clip(summary, OUTPUT_LIMIT)}
    text = approvals_text(approvals, tallies)
    if text:
        out["text"] = clip(text, OUTPUT_LIMIT)
    return out


def failure_output(reason: str) -> dict[str, Any]:
    return {
        "title": "regress could not analyse this change",
        "summary": clip(
            f"{markdown.MARKER}\n## regress\n\nThe analysis failed: {reason}\n\nUse **Re-run** to try again.\n",
            OUTPUT_LIMIT,
        ),
    }


def annotation(f: Finding) -> dict[str, Any] | None:
    """One annotation at the finding's head-side line; None when it has no head-side file."""
    if f.location.side.value != "head" or not f.location.path:
        return None
    line = f.location.line or 1
    message = f.message
    for rel in f.related:
        message += f"\nBefore: {rel}"
    message += f"\nFingerprint: {f.fingerprint}"
    status = "approved" if f.approved else f.category.value
    return {
        "path": f.location.path,
        "start_line": line,
        "end_line": line,
        "annotation_level": "notice" if f.approved else _LEVEL[f.severity],
        "title": clip(f"{f.name} ({f.code}, {status})", 255),
        "message": clip(message, 60_000),
    }


def annotations_for(report: Report) -> list[tuple[str, dict[str, Any]]]:
    """(fingerprint, annotation) for every finding that can be shown at a head line."""
    out = []
    for f in report.findings:
        a = annotation(f)
        if a is not None:
            out.append((f.fingerprint, a))
    return out


def batches(items: Sequence[dict[str, Any]], size: int = ANNOTATIONS_PER_REQUEST) -> list[list[dict[str, Any]]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
