"""A scanner's ignore or allow list gained entries, or an entry's expiry was pushed out.

## What it does
Compares every list that silences a scanner's findings — `.trivyignore(.yaml)`, `.gitleaksignore`,
`.gitleaks.toml` allowlists, `.semgrepignore`, `.snyk` ignores, `.checkov.yaml` `skip-check`/
`skip-path`, `zizmor.yml` disabled rules and ignores, `.grype.yaml` ignores, CodeQL `paths-ignore`
and query filters, dependency-review `allow-ghsas`, actionlint ignores, bandit `skips`, trivy
`skip-dirs`/`skip-files`, Sonar exclusions, KICS `exclude-*` lists, kube-linter excluded checks and
ignored paths, Polaris checks set to `ignore` and `exemptions` — and reports new entries, and entries whose expiry
moved later. A new ignore file is reported like new entries; the exclusions of a new scanner
configuration file (which usually comes with a new scanner) at low severity, and not at all when
the change demonstrably brings that scanner in (zizmor or bandit started in the head's CI files,
pre-commit configuration or task runner, and nowhere in the base's). Removing entries, or
shortening an expiry, is silent. A bandit skip counts only where it drops a test the same
`.bandit` or `[tool.bandit]` selects (every test when its `tests` list is empty); a YAML
configuration passed with `-c` is read for `# nosec` comments (SP006), not here.

## Why is this bad?
A new suppression weakens security exactly as much as switching off the rule it silences, and
it comes with the change that needed it — usually the change that introduced the finding.

## Example
```
# .trivyignore, base         # head
CVE-2023-1234                CVE-2023-1234
                             CVE-2024-5678
```

## How to resolve
Fix the finding, or give the suppression an expiry and approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("scanner-config", "python-tools")
#: Entries this broad silence a scanner for a whole tree.
_BROAD = ("*", "**", "**/*", ".", "/", "./")


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    after = change.after.facts if change.after is not None else None
    before = change.before.facts if change.before is not None else None
    if not isinstance(after, Gate) or after.suppressions is None:
        return
    # A new configuration file often comes with a new scanner: its exclusions are reported at low
    # severity. A new ignore file has no other purpose than to silence findings.
    new_config = before is None and after.tool != "bandit" and not after.options.get("ignore_file")
    if new_config and after.options.get("introduced"):
        # A configuration that comes with the scanner it configures (the base runs it nowhere):
        # its ignores accept what the new scanner finds in the existing code.
        return
    old = before.suppressions if isinstance(before, Gate) and before.suppressions is not None else None
    old_entries = old.entries if old is not None else frozenset()
    added = sorted(after.suppressions.entries - old_entries)
    tokens = after.options.get("tokens", {})
    where = change.after.origin.path if change.after is not None else ""
    if added:
        shown = ", ".join(added[:5]) + (f" and {len(added) - 5} more" if len(added) > 5 else "")
        broad = any(e.split()[-1] in _BROAD for e in added)
        yield Hit(
            message=f"{after.tool} suppressions added in {where}: {shown}",
            attr="suppressions",
            head_route=(tokens.get(added[0], added[0]),),
            base_route=None,
            before=len(old_entries),
            after=len(after.suppressions.entries),
            severity=Severity.HIGH if broad else Severity.LOW if new_config else None,
        )
    if old is None:
        return
    old_exp = dict(old.expiries)
    for entry, expiry in after.suppressions.expiries:
        was = old_exp.get(entry)
        if entry in old_entries and (was is None or was < expiry) and entry not in added:
            if was is None:
                continue  # an expiry added where there was none: stricter
            yield Hit(
                message=f"{after.tool} suppression {entry} in {where} now expires later: {was} → {expiry}",
                attr=f"suppressions[{entry}].expiry",
                head_route=(tokens.get(entry, entry),),
                base_route=(tokens.get(entry, entry),),
                before=was,
                after=expiry,
                severity=Severity.LOW,
            )
    for entry, _ in old.expiries:
        if entry in after.suppressions.entries and entry not in dict(after.suppressions.expiries):
            yield Hit(
                message=f"{after.tool} suppression {entry} in {where} no longer expires",
                attr=f"suppressions[{entry}].expiry",
                head_route=(tokens.get(entry, entry),),
                base_route=(tokens.get(entry, entry),),
                before=old_exp[entry],
                after=None,
            )


RULE = Rule(
    code="SC001",
    name="scanner-suppression-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "suppressions"), (FAMILY, "bandit")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
