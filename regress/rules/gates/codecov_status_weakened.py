"""A Codecov status check was lowered, loosened, made informational or turned off.

## What it does
Compares each Codecov status check (`coverage.status.project`, `patch`, `changes`, per named check)
with Codecov's defaults applied — without a `coverage.status` block Codecov posts `project` and
`patch` with `target: auto` — and reports: a `target` lowered (`90%` → `80%`), a fixed target
replaced by `auto` (a judgement call: low severity), a `threshold` raised (a larger drop allowed),
`informational: true` (the status never fails), a status turned `off` or removed, and
`if_ci_failed`/`if_not_found` switched to `success`.

## Why is this bad?
The Codecov status is what fails a pull request that lowers coverage; each of these lets less
tested code merge without anyone deciding so.

## Example
```yaml
# base                          # head
coverage:                       coverage:
  status:                         status:
    project:                        project:
      default:                        default:
        target: 90%                     target: 80%
```

## How to resolve
Keep the gate, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.gates.model import FAMILY, Gate
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

KINDS = ("codecov",)
_DEFAULTS = ("project/default", "patch/default")


def _effective(change_side: Any) -> dict[str, dict[str, Any]]:
    gate = change_side.facts if change_side is not None else None
    if not isinstance(gate, Gate):
        # No Codecov file: Codecov's defaults (project and patch, target auto).
        return {
            k: {
                "enabled": True,
                "target": "auto",
                "threshold": 0.0,
                "informational": False,
                "if_ci_failed": "error",
                "if_not_found": "success",
            }
            for k in _DEFAULTS
        }
    statuses: dict[str, dict[str, Any]] = gate.options.get("statuses", {})
    return statuses


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None:
        return
    old, new = _effective(change.before), _effective(change.after)
    for name, was in sorted(old.items()):
        if not was.get("enabled") or was.get("informational"):
            continue
        now = new.get(name)
        route = ("statuses", name)
        if now is None or not now.get("enabled"):
            yield _hit(
                name,
                "is turned off" if now is not None else "was removed",
                route,
                "enabled",
                True,
                False,
                Severity.HIGH,
            )
            continue
        if now.get("informational"):
            yield _hit(name, "is now informational: it never fails", route, "informational", False, True, Severity.HIGH)
            continue
        bt, ht = was.get("target"), now.get("target")
        if isinstance(bt, float) and isinstance(ht, float) and ht < bt:
            yield _hit(name, f"target lowered {bt:g}% → {ht:g}%", route, "target", bt, ht, None)
        elif isinstance(bt, float) and ht == "auto":
            yield _hit(
                name,
                f"target {bt:g}% → auto (compared with the base commit instead of a fixed bar)",
                route,
                "target",
                bt,
                ht,
                Severity.LOW,
            )
        bth, hth = was.get("threshold", 0.0), now.get("threshold", 0.0)
        if isinstance(bth, float) and isinstance(hth, float) and hth > bth:
            yield _hit(
                name,
                f"threshold raised {bth:g}% → {hth:g}% (a larger drop is allowed)",
                route,
                "threshold",
                bth,
                hth,
                None,
            )
        for key, strict in (("if_ci_failed", "error"), ("if_not_found", "failure")):
            if was.get(key) == strict and now.get(key) == "success":
                yield _hit(name, f"{key}: {strict} → success", route, key, strict, "success", None)


def _hit(
    name: str, what: str, route: tuple[Any, ...], key: str, before: Any, after: Any, severity: Severity | None
) -> Hit:
    return Hit(
        message=f"Codecov status {name} {what}",
        attr=f"status[{name}].{key}",
        head_route=(*route, key),
        base_route=(*route, key),
        before=before,
        after=after,
        severity=severity,
    )


RULE = Rule(
    code="CV001",
    name="codecov-status-weakened",
    category=Category.TESTS,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=((FAMILY, "codecov"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "removed", "renamed", "moved"}),
)
