"""Approvals: which findings a human has accepted, with a reason.

Sources: the approvals file (``.regress/approvals.yml``, read from the BASE side in git mode),
``--approve FINGERPRINT`` on the command line, and the GitHub App's stored approvals. An entry
names either a fingerprint, or a rule (code or name) plus an identity glob. A reason is required;
an expired entry approves nothing and is reported as a notice.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from regress.errors import InputError
from regress.findings import Approval, Finding
from regress.model import Notice, NoticeKind
from regress.yamlload import LoadError, YList, YMap, load_bytes


@dataclass(frozen=True)
class ApprovalEntry:
    reason: str
    source: str
    fingerprint: str | None = None
    rule: str | None = None
    identity: str | None = None
    by: str | None = None
    expires: dt.date | None = None
    reference: str | None = None

    def matches(self, f: Finding) -> bool:
        if self.fingerprint is not None:
            return f.fingerprint.startswith(self.fingerprint) and len(self.fingerprint) >= 8
        if self.rule is not None and self.rule not in (f.code, f.name):
            return False
        if self.identity is not None and not fnmatch.fnmatchcase(f.identity, self.identity):
            return False
        return self.rule is not None or self.identity is not None

    def approval(self) -> Approval:
        return Approval(
            source=self.source,
            reason=self.reason,
            by=self.by,
            expires=self.expires.isoformat() if self.expires else None,
            reference=self.reference,
        )


def parse_file(data: bytes, path: str) -> list[ApprovalEntry]:
    try:
        loaded = load_bytes(data)
    except LoadError as exc:
        raise InputError(
            f"invalid approvals file {path}{':' + str(exc.line) if exc.line else ''}: {exc.message}"
        ) from None
    doc = loaded.documents[0] if loaded.documents else None
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("approvals", []), list):
        raise InputError(f"invalid approvals file {path}: expected a mapping with an 'approvals' list")
    items = doc.get("approvals") or []
    out: list[ApprovalEntry] = []
    for i, item in enumerate(items):
        line = items.item_lines[i] + 1 if isinstance(items, YList) and i < len(items.item_lines) else None
        where = f"{path}:{line}" if line else path
        if not isinstance(item, YMap | dict):
            raise InputError(f"invalid approvals file {where}: each approval must be a mapping")
        unknown = set(item) - {"fingerprint", "rule", "identity", "reason", "approver", "expires"}
        if unknown:
            raise InputError(f"invalid approvals file {where}: unknown key {sorted(map(str, unknown))[0]!r}")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"invalid approvals file {where}: 'reason' is required")
        fp, rule, ident = item.get("fingerprint"), item.get("rule"), item.get("identity")
        if fp is None and rule is None:
            raise InputError(f"invalid approvals file {where}: give a 'fingerprint', or a 'rule' with an 'identity'")
        if fp is not None and (not isinstance(fp, str) or len(fp) < 8):
            raise InputError(f"invalid approvals file {where}: 'fingerprint' needs at least 8 hex digits")
        expires = item.get("expires")
        try:
            exp = dt.date.fromisoformat(str(expires)) if expires is not None else None
        except ValueError:
            raise InputError(f"invalid approvals file {where}: 'expires' must be a date like 2027-01-31") from None
        out.append(
            ApprovalEntry(
                reason=reason.strip(),
                source="file",
                fingerprint=str(fp) if fp is not None else None,
                rule=str(rule) if rule is not None else None,
                identity=str(ident) if ident is not None else None,
                by=str(item["approver"]) if item.get("approver") is not None else None,
                expires=exp,
                reference=where,
            )
        )
    return out


def cli_entries(fingerprints: Sequence[str]) -> list[ApprovalEntry]:
    out = []
    for raw in fingerprints:
        fp = raw.strip()
        if len(fp) < 8:
            raise InputError(f"--approve {fp!r}: a fingerprint has at least 8 hex digits")
        out.append(ApprovalEntry(reason="approved on the command line", source="cli", fingerprint=fp))
    return out


def apply(
    findings: Iterable[Finding], entries: Sequence[ApprovalEntry], today: dt.date | None = None
) -> tuple[list[Finding], list[Notice]]:
    today = today or dt.date.today()
    live = [e for e in entries if e.expires is None or e.expires >= today]
    notices = [
        Notice(NoticeKind.INPUT, f"approval expired on {e.expires}: {e.reason}", e.reference)
        for e in entries
        if e.expires is not None and e.expires < today
    ]
    out: list[Finding] = []
    for f in findings:
        match = next((e for e in live if e.matches(f)), None)
        out.append(f.approve(match.approval()) if match else f)
    return out, notices
