"""A security or lint hook no longer runs from `.pre-commit-config.yaml`.

## What it does
Compares the hooks of `.pre-commit-config.yaml` by id and reports one that ran and no longer runs
by default: removed, confined to the `manual` stage, or listed in pre-commit.ci's `ci: skip`.

- Security hooks (secret scanners: gitleaks, detect-secrets, detect-private-key,
  detect-aws-credentials, trufflehog, ggshield, talisman; code and dependency scanners: bandit,
  semgrep, osv-scanner, pip-audit, safety; IaC and workflow scanners: checkov, tfsec, terrascan,
  trivy, kics, zizmor) are reported under security.
- Linters and type checkers (ruff, flake8, pylint, mypy, eslint, shellcheck, hadolint, yamllint,
  actionlint, golangci-lint, rubocop, tflint) are reported under tests at low severity.

Formatters and housekeeping hooks are not reported. A hook moved to another repository entry (a
mirror, a local hook with the same id) is not removed, nor is one renamed to another id of the same
hook: ruff-pre-commit's legacy `ruff` id → `ruff-check`, or an install variant such as
`gitleaks` → `gitleaks-docker`. flake8 removed while ruff's lint hook runs is a replacement:
ruff implements flake8's checks.

## Why is this bad?
Pre-commit hooks are often the only place secrets are caught before they are pushed, and with
pre-commit.ci or a `pre-commit run --all-files` step they gate pull requests too.

## Example
```yaml
# base                                     # head
repos:                                     repos:
  - repo: https://github.com/gitleaks/gitleaks   - repo: https://github.com/psf/black
    rev: v8.18.0                               rev: 24.1.0
    hooks: [{id: gitleaks}]                     hooks: [{id: black}]
```

## How to resolve
Keep the hook, or approve the finding with the reason (and where the check now runs).

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.kinds.gates.precommit import TYPE
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

SECURITY = re.compile(
    r"gitleaks.*|detect-secrets|detect-private-key|detect-aws-credentials|trufflehog.*|ggshield.*|talisman.*|"
    r"bandit|semgrep.*|osv-scanner.*|pip-audit|safety|checkov.*|tfsec|terrascan|trivy.*|kics.*|zizmor"
)
LINT = re.compile(
    r"ruff(?:-check)?|flake8|pylint|mypy|eslint|shellcheck|hadolint.*|yamllint|actionlint.*|golangci-lint.*|"
    r"rubocop|tflint|terraform_tflint"
)


#: Hook ids that name the same hook: ruff-pre-commit's lint hook is ``ruff-check`` and keeps
#: ``ruff`` as its legacy id (astral-sh/ruff-pre-commit PR #124).
_SAME_HOOK = {"ruff": "ruff-check"}
#: Hooks another hook stands in for: Ruff reimplements pyflakes and pycodestyle, flake8's own
#: checks, and documents itself as a drop-in replacement for Flake8 (Ruff's README and FAQ, "How
#: does Ruff's linter compare to Flake8?").
_REPLACED_BY = {"flake8": "ruff-check"}
#: Suffixes of a hook id that pick how the tool is installed, not what it checks
#: (``gitleaks-docker``, ``gitleaks-system``, ``actionlint-docker``, ``hadolint-docker``).
_INSTALL_SUFFIX = re.compile(r"-(?:docker|system)$")


def _same(hook: str) -> str:
    hook = _INSTALL_SUFFIX.sub("", hook)
    return _SAME_HOOK.get(hook, hook)


def _hooks(obj: Any) -> dict[str, dict[str, Any]]:
    facts = obj.facts if obj is not None else None
    return facts.options.get("hooks", {}) if isinstance(facts, Gate) else {}


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    old, new = _hooks(change.before), _hooks(change.after)
    running = {_same(h) for h, now in new.items() if now.get("runs")}
    for hook, was in sorted(old.items()):
        security = bool(SECURITY.fullmatch(hook))
        if not was.get("runs") or not (security or LINT.fullmatch(hook)):
            continue
        now = new.get(hook)
        if (now is not None and now.get("runs")) or (now is None and _same(hook) in running):
            continue  # still runs, or runs under another id of the same hook
        if now is None and _REPLACED_BY.get(hook) in running:
            continue
        why = "was removed" if now is None else f"no longer runs: {now['why']}"
        yield Hit(
            message=f"pre-commit {'security' if security else 'lint'} hook {hook} {why}",
            attr=f"hooks[{hook}]",
            head_route=(hook,) if now is not None else (),
            base_route=(hook,),
            before=True,
            after=False,
            category=Category.SECURITY if security else Category.TESTS,
            severity=None if security else Severity.LOW,
        )


RULE = Rule(
    code="SC014",
    name="pre-commit-hook-removed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("pre-commit",),
    watches=((FAMILY, TYPE),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "moved"}),
)
