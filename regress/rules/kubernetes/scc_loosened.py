"""An OpenShift SecurityContextConstraints admits more than before.

## What it does
Treats an SCC as a cluster-wide security policy and compares each field on its own order, with
the API's defaults for absent fields:

- `allowPrivilegedContainer` false → true (critical); `allowHostDirVolumePlugin`,
  `allowHostNetwork`, `allowHostPID`, `allowHostIPC`, `allowHostPorts` false → true (high);
- `allowPrivilegeEscalation` false → true or absent (absent means true) (high);
  `readOnlyRootFilesystem` true → false or absent (medium);
- strategy types: `runAsUser` MustRunAs / MustRunAsRange > MustRunAsNonRoot > RunAsAny (high);
  `seLinuxContext`, `fsGroup`, `supplementalGroups` MustRunAs > RunAsAny (medium);
- sets: `volumes` gaining `hostPath` or `*` (high); `allowedCapabilities` or
  `defaultAddCapabilities` gaining entries (high); `requiredDropCapabilities` losing entries
  (medium); `seccompProfiles` gaining `*` (medium); `allowedUnsafeSysctls` gaining entries
  (medium); `users`/`groups` gaining broad groups (`system:authenticated`,
  `system:serviceaccounts`, `system:unauthenticated`, `system:anonymous`) (high).

A new SCC is reported when it allows privileged containers, host access, `hostPath` volumes or
`*` capabilities. Tightening any field, and adding ordinary volume types (`projected`,
`downwardAPI`), are silent.

## Why is this bad?
An SCC decides what every pod admitted under it may do: loosening one loosens every workload of
every service account that can use it, without any change to those workloads.

## Example
```yaml
# base                            # head
allowPrivilegeEscalation: false   allowPrivilegeEscalation: true
runAsUser:                        runAsUser:
  type: MustRunAsNonRoot            type: RunAsAny
```

## How to resolve
Keep the constraint, grant a dedicated SCC only to the service account that needs more, or
approve the finding.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import normalise_capability
from regress.model import Change, ModelObject, Route, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: Booleans that open host access when true (absent: false), with severity.
OPENING_FLAGS = {
    "allowPrivilegedContainer": Severity.CRITICAL,
    "allowHostDirVolumePlugin": Severity.HIGH,
    "allowHostNetwork": Severity.HIGH,
    "allowHostPID": Severity.HIGH,
    "allowHostIPC": Severity.HIGH,
    "allowHostPorts": Severity.HIGH,
}
#: Strategy lattices (OpenShift API, security.openshift.io/v1 SecurityContextConstraints).
STRATEGIES: dict[str, tuple[dict[str, int], Severity]] = {
    "runAsUser": ({"MustRunAs": 3, "MustRunAsRange": 3, "MustRunAsNonRoot": 2, "RunAsAny": 1}, Severity.HIGH),
    "seLinuxContext": ({"MustRunAs": 2, "RunAsAny": 1}, Severity.MEDIUM),
    "fsGroup": ({"MustRunAs": 2, "RunAsAny": 1}, Severity.MEDIUM),
    "supplementalGroups": ({"MustRunAs": 2, "RunAsAny": 1}, Severity.MEDIUM),
}
BROAD_SUBJECTS = frozenset(
    {"system:authenticated", "system:serviceaccounts", "system:unauthenticated", "system:anonymous"}
)


def _flag(body: Any, field: str, default: bool) -> bool | None:
    value = body.get(field) if isinstance(body, dict) else None
    if value is None:
        return default
    return value if isinstance(value, bool) else None


def _set(body: Any, field: str, caps: bool = False) -> frozenset[str] | None:
    value = body.get(field) if isinstance(body, dict) else None
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        return None
    items = [v for v in value if isinstance(v, str)]
    return frozenset(normalise_capability(v) if caps else v for v in items)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    if change.before is None:
        yield from _new(head)
        return
    was, now = change.before.body, head.body

    def hit(
        field: str, message: str, severity: Severity, route: Route | None = None, before: Any = None, after: Any = None
    ) -> Hit:
        return Hit(
            message=f"{head.label}: {message}",
            attr=field,
            head_route=route or (field,),
            base_route=route or (field,),
            before=before,
            after=after,
            severity=severity,
        )

    for field, severity in OPENING_FLAGS.items():
        if _flag(was, field, False) is False and _flag(now, field, False) is True:
            yield hit(field, f"{field} false → true", severity, before=False, after=True)
    if _flag(was, "allowPrivilegeEscalation", True) is False and _flag(now, "allowPrivilegeEscalation", True) is True:
        shown = "true" if now.get("allowPrivilegeEscalation") is True else "absent (true)"
        yield hit(
            "allowPrivilegeEscalation",
            f"allowPrivilegeEscalation false → {shown}",
            Severity.HIGH,
            before=False,
            after=True,
        )
    if _flag(was, "readOnlyRootFilesystem", False) is True and _flag(now, "readOnlyRootFilesystem", False) is False:
        shown = "false" if now.get("readOnlyRootFilesystem") is False else "absent (false)"
        yield hit(
            "readOnlyRootFilesystem",
            f"readOnlyRootFilesystem true → {shown}",
            Severity.MEDIUM,
            before=True,
            after=False,
        )
    for field, (order, severity) in STRATEGIES.items():
        before, after = get_path(was, (field, "type")), get_path(now, (field, "type"))
        if before in order and after in order and order[after] < order[before]:
            yield hit(field, f"{field} strategy {before} → {after}", severity, (field, "type"), before, after)
    yield from _sets(was, now, hit)


def _sets(was: Any, now: Any, hit: Callable[..., Hit]) -> Iterator[Hit]:
    before, after = _set(was, "volumes"), _set(now, "volumes")
    if before is not None and after is not None and "*" not in before:
        gained = sorted((after - before) & {"hostPath", "*"})
        if gained:
            yield hit(
                "volumes", f"volumes now allow {', '.join(gained)}", Severity.HIGH, None, sorted(before), sorted(after)
            )
    for field in ("allowedCapabilities", "defaultAddCapabilities"):
        before, after = _set(was, field, True), _set(now, field, True)
        if before is not None and after is not None and "*" not in before and after - before:
            added = ", ".join(sorted(after - before))
            yield hit(field, f"{field} gained {added}", Severity.HIGH, None, sorted(before), sorted(after))
    before, after = _set(was, "requiredDropCapabilities", True), _set(now, "requiredDropCapabilities", True)
    if before is not None and after is not None and "ALL" not in after:
        lost = {"ALL"} if "ALL" in before else before - after
        if lost:
            yield hit(
                "requiredDropCapabilities",
                f"requiredDropCapabilities no longer include {', '.join(sorted(lost))}",
                Severity.MEDIUM,
                None,
                sorted(before),
                sorted(after),
            )
    before, after = _set(was, "seccompProfiles"), _set(now, "seccompProfiles")
    if before and after is not None and "*" in after and "*" not in before:
        yield hit(
            "seccompProfiles",
            "seccompProfiles now allow any profile (*)",
            Severity.MEDIUM,
            None,
            sorted(before),
            sorted(after),
        )
    before, after = _set(was, "allowedUnsafeSysctls"), _set(now, "allowedUnsafeSysctls")
    if before is not None and after is not None and after - before:
        yield hit(
            "allowedUnsafeSysctls",
            f"allowedUnsafeSysctls gained {', '.join(sorted(after - before))}",
            Severity.MEDIUM,
            None,
            sorted(before),
            sorted(after),
        )
    for field in ("users", "groups"):
        before, after = _set(was, field), _set(now, field)
        if before is None or after is None:
            continue
        broad = sorted(s for s in after - before if s in BROAD_SUBJECTS)
        if broad:
            yield hit(
                f"{field}[{','.join(broad)}]",
                f"now applies to {', '.join(broad)}",
                Severity.HIGH,
                (field,),
                sorted(before),
                sorted(after),
            )


def _new(head: ModelObject) -> Iterator[Hit]:
    body = head.body
    opened = [f for f in OPENING_FLAGS if _flag(body, f, False) is True]
    risky = [f"{flag}: true" for flag in opened]
    host_volumes = sorted((_set(body, "volumes") or frozenset()) & {"hostPath", "*"})
    if host_volumes:
        risky.append("volumes: " + ", ".join(host_volumes))
    if "*" in (_set(body, "allowedCapabilities", True) or frozenset()):
        risky.append("allowedCapabilities: *")
    if risky:
        yield Hit(
            message=f"new {head.label} allows host access or privileges ({'; '.join(risky)})",
            attr="object",
            head_route=(),
            after=risky,
            severity=Severity.CRITICAL if "allowPrivilegedContainer" in opened else Severity.HIGH,
        )


RULE = Rule(
    code="K8S040",
    name="scc-loosened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=KINDS,
    watches=((FAMILY, "SecurityContextConstraints"),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
