"""A scanner's configuration lets it pass whatever it finds, or look at less.

## What it does
Compares the switches in scanner configuration files that decide whether a scan can fail and
what it covers: trivy `exit-code` set to 0 (trivy's default: never fails), `severity` or
`scanners` narrowed, `ignore-unfixed: true`; checkov `soft-fail: true` or `framework` narrowed;
grype `fail-on-severity` raised or removed; dependency-review `fail-on-severity` raised,
`warn-only: true`, `vulnerability-check: false`, `fail-on-scopes` narrowed (default `runtime`);
CodeQL `queries` reduced; Sonar `sonar.qualitygate.wait` removed; KICS `ignore-on-exit: results`
(or `all`) and `fail-on` narrowed; kube-linter `doNotAutoAddDefaults: true` or `addAllBuiltIn`
switched off; Polaris checks lowered (`danger` → `warning` → `ignore`).

## Why is this bad?
The scanner still runs and still shows up as a green check, but it no longer fails on what it
finds — or no longer looks for it.

## Example
```yaml
# .checkov.yaml, base        # head
soft-fail: false             soft-fail: true
```

## How to resolve
Keep the scanner blocking, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("scanner-config",)
_SEVERITIES = ["negligible", "unknown", "low", "moderate", "medium", "high", "critical"]


def _rank(value: Any) -> int | None:
    text = str(value).strip().lower() if value is not None else ""
    return _SEVERITIES.index(text) if text in _SEVERITIES else None


def _weakened(key: str, was: Any, now: Any) -> str | None:
    """Why ``key`` going from ``was`` to ``now`` lets the scanner pass more, or None."""
    if was == now:
        return None
    if key == "exit-code":
        return "exit-code is 0: it never fails" if str(now) == "0" and str(was) != "0" else None
    if key in ("soft-fail", "warn-only", "ignore-unfixed"):
        return f"{key}: true" if now is True and was is not True else None
    if key in ("vulnerability-check", "sonar.qualitygate.wait", "addAllBuiltIn"):
        return f"{key}: false" if now is False and was is True else None
    if key == "doNotAutoAddDefaults":
        return (
            "doNotAutoAddDefaults: true: the default checks no longer run" if now is True and was is not True else None
        )
    if key == "ignore-on-exit":
        # KICS: results (or all) makes the exit code ignore what was found.
        rank = {"none": 0, "errors": 1, "results": 2, "all": 3}
        weaker = rank.get(str(now), 0) >= 2 and rank.get(str(now), 0) > rank.get(str(was), 0)
        return f"ignore-on-exit: {was} → {now}: findings no longer fail the scan" if weaker else None
    if key == "levels":
        return _levels(was or {}, now or {})
    if key == "fail-on-severity":
        if now is None or str(now).lower() == "none":
            return f"fail-on-severity removed (was {was})" if was is not None else None
        before, after = _rank(was), _rank(now)
        raised = before is not None and after is not None and after > before
        return f"fail-on-severity {was} → {now}" if raised else None
    if key in ("severity", "scanners", "framework", "fail-on-scopes", "queries", "fail-on"):
        old = set(was or [])
        new = set(now or [])
        if old and ((not new and now is not None) or (new and not old <= new)):
            lost = sorted(old - new)
            return f"{key} narrowed: {', '.join(lost)} dropped" if lost else None
        return None
    return None


#: Polaris check levels (Polaris docs, "Configuration"): only ``danger`` fails an audit that
#: sets an exit code on danger; ``ignore`` skips the check.
_LEVELS = {"ignore": 0, "warning": 1, "danger": 2}


def _levels(was: dict[str, str], now: dict[str, str]) -> str | None:
    lowered = [
        f"{check} {level} → {now.get(check, 'absent')}"
        for check, level in sorted(was.items())
        # a check set to ignore is a suppression: scanner-suppression-added reports it
        if check in now and now[check] != "ignore" and _LEVELS.get(now[check], 2) < _LEVELS.get(level, 0)
    ]
    return "checks lowered: " + ", ".join(lowered) if lowered else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before = change.before.facts if change.before is not None else None
    after = change.after.facts if change.after is not None else None
    if not isinstance(before, Gate) or not isinstance(after, Gate):
        return
    old, new = before.options.get("switches", {}), after.options.get("switches", {})
    where = change.after.origin.path if change.after is not None else ""
    for key in sorted(set(old) | set(new)):
        why = _weakened(key, old.get(key), new.get(key))
        if why is None:
            continue
        yield Hit(
            message=f"{after.tool} in {where}: {why}",
            attr=f"switch[{key}]",
            head_route=(key,),
            base_route=(key,),
            before=old.get(key),
            after=new.get(key),
            severity=Severity.HIGH if key in ("exit-code", "soft-fail", "warn-only") else None,
        )


RULE = Rule(
    code="SC002",
    name="scanner-config-weakened",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "suppressions"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
