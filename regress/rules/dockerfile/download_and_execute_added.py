"""A build step now downloads a script and runs it without checking it.

## What it does
Reports `curl … | sh`, `wget -O- … | bash` (any shell or interpreter after the pipe) and
`bash <(curl …)` / `sh -c "$(curl …)"` when a stage gains one: OpenSSF Scorecard's
Pinned-Dependencies check calls this "downloadThenRun".

## Why is this bad?
The script is whatever the server returns at build time: it is not pinned, not reviewed and
not verified, and it runs with the build's privileges.

## Example
```dockerfile
RUN curl -fsSL https://get.example.sh | sh
```

## How to resolve
Download a pinned release, verify its checksum or signature, then run it; or approve the
finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.dockerfile.checks import added
from regress.kinds.dockerfile.commands import download_execute
from regress.kinds.dockerfile.model import FAMILY
from regress.rules.base import Rule
from regress.rules.dockerfile import KINDS

RULE = Rule(
    code="DF008",
    name="download-and-execute-added",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=added(download_execute, "downloads and runs code unverified"),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
