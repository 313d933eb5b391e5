"""Approvals given through GitHub: who may approve, what an approval covers, and how stored
approvals apply to a new analysis.

- An approval names fingerprints (``all`` = every unapproved finding of the analysis of the head
  the approver saw), and records for each the digest of the head-side value the approver saw. It
  approves a finding only while both still match: a push that adds a violation, or changes the
  value at an approved one (retention 7 → 1 day after 7 → 3 was approved), needs a new approval;
  a push that only removes violations keeps the check green (subset-sticky, like Atlantis' sticky
  policy approvals).
- The approver needs the base-side config's ``approvals.permission`` (default write), as GitHub's
  collaborator-permission API reports it, and must not be the PR author unless the base-side
  config says ``allow-author: true``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from regress.config import Config
from regress.engine import Report
from regress.findings import Approval, jsonable
from regress.webhooks.commands import Command
from regress.webhooks.github import Permission
from regress.webhooks.store import StoredApproval


def value_digest(after_json: Any) -> str:
    return hashlib.sha256(json.dumps(after_json, sort_keys=True, default=str).encode()).hexdigest()[:16]


def apply(report: Report, approvals: Sequence[StoredApproval]) -> Report:
    """The report with every finding a live stored approval covers marked approved."""
    live = [a for a in approvals if a.revoked is None]
    findings = []
    for finding in report.findings:
        f = finding
        if not f.approved:
            digest = value_digest(jsonable(f.after))
            match = next((a for a in live if a.fingerprints.get(f.fingerprint) == digest), None)
            if match is not None:
                f = f.approve(
                    Approval(
                        source=f"github {match.source}",
                        reason=match.reason,
                        by=match.approver,
                        reference=match.source_ref or None,
                    )
                )
        findings.append(f)
    out = replace(report, findings=findings)
    out.stats = {
        **report.stats,
        "approved": sum(f.approved for f in findings),
        "violations": sum(not f.approved for f in findings),
    }
    return out


def refusal(config: Config, permission: Permission | None, sender: str, author: str, *, approving: bool) -> str | None:
    """Why ``sender`` may not approve (or revoke) here, or None when they may."""
    level = config.approver_permission
    if approving and sender.lower() == author.lower() and not config.allow_author:
        return (
            "the author of a pull request cannot approve its findings "
            "(the base branch's .regress.yml does not allow it)"
        )
    if permission is None or not permission.at_least(level):
        has = permission.role_name if permission else "none"
        return f"approving needs the {level} permission on this repository; you have {has}"
    return None


@dataclass(frozen=True)
class Targets:
    #: {fingerprint: value digest} the approval covers.
    covered: dict[str, str]
    #: Named prefixes that match no unapproved finding of the analysed head.
    unknown: tuple[str, ...]
    #: Named prefixes that match more than one finding.
    ambiguous: tuple[str, ...]


def targets(command: Command, report_json: dict[str, Any]) -> Targets:
    """The findings of a stored analysis an approve command names."""
    open_findings = [f for f in report_json.get("findings", []) if not f.get("approved")]
    if command.all:
        return Targets({f["fingerprint"]: value_digest(f.get("after")) for f in open_findings}, (), ())
    covered: dict[str, str] = {}
    unknown, ambiguous = [], []
    for prefix in command.fingerprints:
        hits = [f for f in open_findings if str(f["fingerprint"]).startswith(prefix)]
        if not hits:
            unknown.append(prefix)
        elif len({h["fingerprint"] for h in hits}) > 1:
            ambiguous.append(prefix)
        else:
            covered[hits[0]["fingerprint"]] = value_digest(hits[0].get("after"))
    return Targets(covered, tuple(unknown), tuple(ambiguous))
