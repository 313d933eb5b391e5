"""Package signature checks were switched off in a build step.

## What it does
Reports `apt-get --allow-unauthenticated` (and `APT::Get::AllowUnauthenticated`),
`apk --allow-untrusted`, `rpm --nosignature`, `yum`/`dnf --nogpgcheck`, `gpgcheck=0` and apt
sources marked `[trusted=yes]`, when a stage gains one. The flag list follows the package
managers' manuals and is kept short on purpose (CATALOGUE DF-07 marks it unverified). A command
whose packages are all package files of the image's own build (`apk add --allow-untrusted
*/*.apk` after `COPY --from=builder`) fetches nothing whose signature could be checked, and is
not reported.

## Why is this bad?
Signatures are what proves a package came from the distribution. Without them a tampered
mirror or a man in the middle can install anything into the image.

## Example
```dockerfile
# base                          # head
RUN apk add --no-cache curl     RUN apk add --no-cache --allow-untrusted curl
```

## How to resolve
Import the repository's key instead, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.dockerfile.checks import added
from regress.kinds.dockerfile.commands import unsigned_packages
from regress.kinds.dockerfile.model import FAMILY
from regress.rules.base import Rule
from regress.rules.dockerfile import KINDS

RULE = Rule(
    code="DF007",
    name="package-signatures-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=added(unsigned_packages, "package signature checks disabled"),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
