"""SARIF 2.1.0 for code scanning: one result per finding.

- ``partialFingerprints`` carry the line-free fingerprint, so code scanning keeps an alert's
  identity across unrelated edits (GitHub computes its own ``primaryLocationLineHash`` only when
  none is given; "SARIF support for code scanning", *Preventing duplicate alerts using
  fingerprints*).
- Approved findings are emitted with a suppression of kind ``external`` and status ``accepted``
  (SARIF 2.1.0 §3.35), justification = the approval's reason; code scanning shows them as
  dismissed rather than open.
- Every rule comes with its documentation as ``help`` (text and Markdown), generated from the same
  docstring as ``regress explain``.
- ``automationDetails.id`` is the constant category ``regress/``: code scanning matches alerts
  across runs by category (everything up to the last ``/``), so the category must not contain the
  commit ids or folder paths of one run.
- Notices (what was not analysed) become ``toolExecutionNotifications`` of the invocation.
"""

from __future__ import annotations

import json
from typing import Any

from regress import __version__
from regress.engine import Report
from regress.findings import Finding, Severity
from regress.model import Location, Notice
from regress.rules.base import Rule
from regress.rules.registry import all_rules

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "regress/v1"
CATEGORY_ID = "regress/"

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
#: GitHub maps security-severity to critical (> 9.0), high (7.0–8.9), medium (4.0–6.9) and low
#: (0.1–3.9) ("SARIF support for code scanning", reportingDescriptor properties).
_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
#: GitHub keeps at most 20 tags per rule.
_MAX_TAGS = 20


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    sections = rule.sections()
    help_md = f"{rule.title}\n\n" + "\n\n".join(f"## {k}\n\n{v}" for k, v in sections.items())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": sections.get("What it does") or rule.title},
        "help": {"text": help_md, "markdown": help_md},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "category": rule.category.value,
            "tags": [rule.category.value, *rule.kinds][:_MAX_TAGS],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


def _physical(loc: Location) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"}}
    if loc.line:
        phys["region"] = {"startLine": loc.line}
    return phys


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    message = f.message
    if f.location.side.value != "head":
        message += f" (base side: the file no longer exists in the head, was {f.location})"
    out: dict[str, Any] = {
        "ruleId": f.code,
        "level": _LEVEL[f.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": _physical(f.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {
            "category": f.category.value,
            "severity": f.severity.value,
            "identity": f.identity,
            "attribute": f.attr,
            "side": f.location.side.value,
        },
    }
    if f.code in index:
        out["ruleIndex"] = index[f.code]
    if f.related:
        out["relatedLocations"] = [
            {"id": i + 1, "message": {"text": f"{loc.side.value} side"}, "physicalLocation": _physical(loc)}
            for i, loc in enumerate(f.related)
        ]
    if f.approval is not None:
        by = f" (approved by {f.approval.by})" if f.approval.by else ""
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f.approval.reason + by}]
    return out


def _notification(n: Notice) -> dict[str, Any]:
    out: dict[str, Any] = {"level": "note", "message": {"text": f"{n.kind.value}: {n.message}"}}
    if n.path:
        out["locations"] = [{"physicalLocation": _physical(Location(n.path, n.line))}]
    return out


def to_sarif(report: Report) -> dict[str, Any]:
    rules = list(all_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "regress",
                        "version": __version__,
                        "rules": [rule_descriptor(r) for r in rules],
                    }
                },
                "automationDetails": {"id": CATEGORY_ID},
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository root"}}},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [_notification(n) for n in report.notices],
                    }
                ],
                "properties": {
                    "base": report.base.to_json(),
                    "head": report.head.to_json(),
                },
                "results": [_result(f, index) for f in report.findings],
            }
        ],
    }


def render(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"
