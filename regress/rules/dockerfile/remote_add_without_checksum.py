"""An `ADD` now fetches a remote URL without verifying it.

## What it does
Reports `ADD https://…` (or a git URL) without `--checksum=sha256:…` when a stage gains one,
for instance a vendored file replaced by a download. An unchecked `ADD` whose URL changes (a
version bump, a moved release) while it keeps its destination was unverified before too: silent.

## Why is this bad?
The content behind a URL can change at any time; without a checksum the build takes whatever
it gets, and the image is no longer reproducible or reviewed.

## Example
```dockerfile
# base                          # head
COPY vendor/tool.tgz /opt/      ADD https://example.com/tool.tgz /opt/
```

## How to resolve
Add `--checksum=sha256:…` (BuildKit), or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from regress.findings import Category, Severity
from regress.kinds.dockerfile.checks import added
from regress.kinds.dockerfile.commands import remote_add_destinations, remote_adds
from regress.kinds.dockerfile.model import FAMILY
from regress.rules.base import Rule
from regress.rules.dockerfile import KINDS

RULE = Rule(
    code="DF009",
    name="remote-add-without-checksum",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "stage"),),
    check=added(remote_adds, "ADD of a remote source without --checksum", slot=remote_add_destinations),
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
