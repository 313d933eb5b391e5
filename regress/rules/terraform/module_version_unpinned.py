"""A module call pins its source less firmly.

## What it does
Ranks how a module call pins the code it pulls and reports a move down:

- registry modules, by `version`: an exact version (`5.2.0`, `= 5.2.0`) > a constraint
  (`~> 5.0`, `>= 5.0`) > none;
- git and other URL sources, by `ref`: a commit SHA > a version tag (`v1.2.3`) > a branch or
  other ref > no ref.

Version bumps that keep the kind of pin (`5.2.0` → `5.3.1`, one SHA to another) are silent.

## Why is this bad?
A module runs with the same rights as the rest of the configuration. A floating version or branch
pulls whatever is published next, without review: a supply-chain path into the infrastructure.

## Example
```hcl
source  = "terraform-aws-modules/vpc/aws"
version = "5.2.0"   # → "~> 5.0"
```

## How to resolve
Pin an exact version or commit, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.values import as_str
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.terraform import KINDS

_EXACT = re.compile(r"^=?\s*v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_TAG = re.compile(r"^v?\d+(\.\d+){1,2}([-+][0-9A-Za-z.-]+)?$")
VERSION_PINS = ("none", "constraint", "exact version")
REF_PINS = ("no ref", "branch or other ref", "version tag", "commit")


def version_pin(version: Any) -> int | None:
    text = as_str(version)
    if text is None:
        return 0 if version is None else None
    text = text.strip()
    if not text:
        return 0
    return 2 if _EXACT.match(text) else 1


def ref_pin(source: str) -> int:
    m = re.search(r"[?&]ref=([^&]+)", source)
    if not m:
        return 0
    ref = m.group(1)
    if _SHA.match(ref):
        return 3
    return 2 if _TAG.match(ref) else 1


def _is_url(source: str) -> bool:
    return source.startswith(("git::", "git@", "github.com/", "bitbucket.org/", "https://", "s3::", "gcs::"))


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    before, after = change.before, change.after
    if before is None or after is None:
        return
    sb, sa = as_str(before.body.get("source")) or "", as_str(after.body.get("source")) or ""
    if _is_url(sa) or _is_url(sb):
        pb, pa = ref_pin(sb), ref_pin(sa)
        if pa < pb and _is_url(sa):
            yield Hit(
                message=f"{after.label}: source pinned by {REF_PINS[pb]} → {REF_PINS[pa]} ({sa})",
                attr="source",
                head_route=("source",),
                base_route=("source",),
            )
        return
    if sa.startswith(("./", "../")):
        return  # local modules are reviewed with the change itself
    vb, va = version_pin(before.body.get("version")), version_pin(after.body.get("version"))
    if vb is not None and va is not None and va < vb:
        shown = as_str(after.body.get("version")) or "none"
        yield Hit(
            message=f"{after.label}: version pinned by {VERSION_PINS[vb]} → {VERSION_PINS[va]} ({shown})",
            attr="version",
            head_route=("version",) if "version" in after.body else ("source",),
            base_route=("version",),
        )


RULE = Rule(
    code="TF028",
    name="module-version-unpinned",
    category=Category.SECURITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=((FAMILY, "module"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
