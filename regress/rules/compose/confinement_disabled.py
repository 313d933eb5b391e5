"""A compose service lost its seccomp, AppArmor or SELinux confinement, or no-new-privileges.

## What it does
Reports `security_opt` gaining `seccomp:unconfined`, `apparmor:unconfined` or `label:disable`
(also written with `=`), and `no-new-privileges:true` removed.

## Why is this bad?
The default seccomp and AppArmor profiles block the system calls most container escapes use;
`no-new-privileges` stops setuid binaries from raising privileges.

## Example
```yaml
security_opt: [no-new-privileges:true]   →   security_opt: [seccomp:unconfined]
```

## How to resolve
Use a custom profile that allows what is needed, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.compose.checks import facts
from regress.kinds.compose.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.compose import KINDS

UNCONFINED = frozenset({"seccomp:unconfined", "apparmor:unconfined", "label:disable", "systempaths:unconfined"})
NNP = frozenset({"no-new-privileges:true", "no-new-privileges"})


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = facts(change)
    if after is None:
        return
    old = before.security_opt if before is not None else frozenset()
    for opt in sorted(after.security_opt - old):
        if opt in UNCONFINED:
            yield Hit(
                message=f"{change.obj.label}: security_opt gains {opt}",
                attr=opt,
                head_route=("security_opt",),
                after=opt,
            )
    if before is not None and NNP & before.security_opt and not NNP & after.security_opt:
        yield Hit(
            message=f"{change.obj.label}: no-new-privileges removed",
            attr="no-new-privileges",
            head_route=("security_opt",),
            base_route=("security_opt",),
        )


RULE = Rule(
    code="DC003",
    name="confinement-disabled",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "service"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
