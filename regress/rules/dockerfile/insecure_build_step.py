"""A build step now runs with `RUN --security=insecure`.

## What it does
Reports `RUN --security=insecure` when a stage gains one. BuildKit runs such a step without
its sandbox, with the privileges of a privileged container (the `security.insecure`
entitlement).

## Why is this bad?
A step outside the sandbox can reach the build host: whatever it runs (and whatever it
downloads) is trusted with the builder.

## Example
```dockerfile
RUN --security=insecure ./configure-kernel-module.sh
```

## How to resolve
Do without the entitlement, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.dockerfile.checks import added
from regress.kinds.dockerfile.commands import insecure_runs
from regress.kinds.dockerfile.model import FAMILY
from regress.rules.base import Rule
from regress.rules.dockerfile import KINDS

RULE = Rule(
    code="DF014",
    name="insecure-build-step",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=added(insecure_runs, "runs without the build sandbox"),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
