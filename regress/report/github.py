"""GitHub Actions workflow commands: one annotation per finding, shown on the PR's diff.

Format: ``::error file=F,line=L,title=T::message`` ("Workflow commands for GitHub Actions"). Property
values escape ``%``, CR, LF, ``:`` and ``,``; messages escape ``%``, CR and LF.
"""

from __future__ import annotations

from regress.engine import Report
from regress.findings import Finding, Severity

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    level = "notice" if f.approved else _LEVEL[f.severity]
    props = []
    if f.location.side.value == "head":
        props.append(f"file={_prop(f.location.path)}")
        if f.location.line:
            props.append(f"line={f.location.line}")
    status = "approved" if f.approved else f.category.value
    props.append(f"title={_prop(f'regress {f.code} {f.name} ({status})')}")
    message = f.message
    if f.location.side.value != "head":
        message += f" (was {f.location})"
    message += f" [fingerprint {f.fingerprint}]"
    return f"::{level} {','.join(props)}::{_data(message)}"


def render(report: Report) -> str:
    lines = [annotation(f) for f in report.findings]
    v = len(report.violations)
    lines.append(f"regress: {v} unapproved violation{'s' if v != 1 else ''}, {len(report.findings) - v} approved")
    return "\n".join(lines) + "\n"
