"""TLS certificate verification was switched off in a build step.

## What it does
Reports `curl -k`/`--insecure`, `wget --no-check-certificate`, `pip --trusted-host`,
`npm config set strict-ssl false`, `git -c http.sslVerify=false`, apt's `Verify-Peer=false`,
and the environment switches `NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY=1`,
`PIP_TRUSTED_HOST` and `PYTHONHTTPSVERIFY=0`, when a stage gains one (a new stage with one
counts as a gain). RUN commands are read as shell: `curl -fsSLk` is `curl -k`.

## Why is this bad?
Without certificate verification anyone on the network path (a proxy, a compromised mirror)
can substitute what the build downloads, and the image ships it.

## Example
```dockerfile
# base                                   # head
RUN curl -fsSL https://x/install.tgz …   RUN curl -fsSLk https://x/install.tgz …
```

## How to resolve
Fix the trust store instead (install the corporate CA), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.dockerfile.checks import added
from regress.kinds.dockerfile.commands import tls_disabled
from regress.kinds.dockerfile.model import FAMILY
from regress.rules.base import Rule
from regress.rules.dockerfile import KINDS

RULE = Rule(
    code="DF006",
    name="tls-verification-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=added(tls_disabled, "TLS verification disabled"),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
