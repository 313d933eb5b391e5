"""SARIF 2.1.0 for code scanning: one result per finding.

``partialFingerprints`` carry the line-free fingerprint, so GitHub keeps an alert's identity across
unrelated edits; approved findings are emitted with an ``external`` suppression (justification =
the reason), which code scanning shows as dismissed rather than open.
"""

from __future__ import annotations

import json
from typing import Any

from regress import __version__
from regress.engine import Report
from regress.findings import Finding, Severity
from regress.rules.registry import RULES

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}


def _rule(rule: Any) -> dict[str, Any]:
    sections = rule.sections()
    help_md = "\n\n".join(f"## {k}\n{v}" for k, v in sections.items())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": sections.get("What it does", rule.title)},
        "help": {"text": help_md, "markdown": help_md},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "category": rule.category.value,
            "tags": [rule.category.value, *rule.kinds],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


def _location(f: Finding) -> dict[str, Any]:
    region = {"startLine": f.location.line} if f.location.line else {}
    phys: dict[str, Any] = {"artifactLocation": {"uri": f.location.path}}
    if region:
        phys["region"] = region
    return {"physicalLocation": phys}


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [_location(f)],
        "partialFingerprints": {"regress/v1": f.fingerprint},
        "properties": {"category": f.category.value, "identity": f.identity, "side": f.location.side.value},
    }
    if f.related:
        out["relatedLocations"] = [
            {
                "id": i + 1,
                "message": {"text": f"{loc.side.value} side"},
                "physicalLocation": {
                    "artifactLocation": {"uri": loc.path},
                    **({"region": {"startLine": loc.line}} if loc.line else {}),
                },
            }
            for i, loc in enumerate(f.related)
        ]
    if f.approval is not None:
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f.approval.reason + (f" (approved by {f.approval.by})" if f.approval.by else ""),
            }
        ]
    return out


def render(report: Report) -> str:
    rules = list(RULES)
    index = {r.code: i for i, r in enumerate(rules)}
    for f in report.findings:
        if f.code not in index:
            index[f.code] = len(rules)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "regress",
                        "version": __version__,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "automationDetails": {"id": f"regress/{report.base.resolved}..{report.head.resolved}"},
                "results": [_result(f, index) for f in report.findings],
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
