"""A secret is now written inline in a compose service's environment.

## What it does
Reports an `environment` entry whose name says it is a secret (`…PASSWORD`, `…TOKEN`,
`…SECRET`, `…API_KEY`, `…PRIVATE_KEY`, …; not `…_FILE`) and whose value is a literal: not empty,
not a `${VARIABLE}` interpolation, and not a switch (`MYSQL_ALLOW_EMPTY_PASSWORD: "true"`,
`MYSQL_RANDOM_ROOT_PASSWORD: "yes"` say how a password is made, they hold none). Moving from
`secrets:` to an inline value is the typical shape.

## Why is this bad?
The literal is committed to the repository and visible to everyone who can read it, and to
`docker inspect` on every host.

## Example
```yaml
environment:
  DB_PASSWORD: hunter2
```

## How to resolve
Use `secrets:` or a `${VARIABLE}` from an untracked `.env` file, or approve the finding.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS

_SECRET = re.compile(r"(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)($|_)", re.I)
_NOT_SECRET = re.compile(r"(_FILE|_PATH|_DIR|_URL|_URI|_HOST|_USER|_NAME|_ID)$", re.I)
#: Values that switch something on or off; the list form keeps quotes (``- X="true"``).
_SWITCHES = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1"})


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if after is None:
        return
    old = before.environment if before is not None else {}
    for name, value in sorted(after.environment.items()):
        if not _SECRET.search(name) or _NOT_SECRET.search(name):
            continue
        text = "" if value is None else str(value)
        if not text or "${" in text or (text.startswith("$") and " " not in text):
            continue
        if text.strip("\"'").lower() in _SWITCHES:
            continue
        if old.get(name) == value:
            continue
        yield Hit(
            message=f"{change.obj.label}: environment {name} holds a literal secret",
            attr=f"environment:{name}",
            head_route=("environment",),
        )


RULE = Rule(
    code="DC016",
    name="secret-inline-environment",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
