"""A container lost its seccomp or AppArmor confinement.

## What it does
Works out, per container, the effective seccomp and AppArmor profile: the container's
`securityContext` field, else the pod's, else the legacy annotations
(`container.seccomp.security.alpha.kubernetes.io/<container>`,
`seccomp.security.alpha.kubernetes.io/pod`, `container.apparmor.security.beta.kubernetes.io/<container>`).
Reports a profile that was confined (`RuntimeDefault`, `Localhost`, `runtime/default`,
`docker/default`, `localhost/…`) and is now `Unconfined` or absent. Moving between the field and
the annotation, between container and pod level, or between `RuntimeDefault` and `Localhost`, is
silent.

## Why is this bad?
The seccomp profile is what keeps most container escapes' system calls (`unshare`, `keyctl`,
`bpf`, …) out of reach; AppArmor confines file and capability use. Without a profile the kubelet
runs the container unconfined unless the node enables `SeccompDefault`. The Pod Security
Standards' `restricted` level requires a seccomp profile.

## Example
```yaml
# base                                   # head
securityContext:                         securityContext:
  seccompProfile: {type: RuntimeDefault}   runAsNonRoot: true
  runAsNonRoot: true
```

## How to resolve
Keep `seccompProfile: {type: RuntimeDefault}` (and the AppArmor profile), or approve the finding
with the system calls the workload needs.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import (
    WORKLOAD_TYPES,
    Container,
    pair_containers,
    pod_annotations,
    pod_spec,
    pod_spec_route,
    pod_template_route,
)
from regress.model import Change, ModelObject, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: (field in securityContext, per-container annotation prefix, pod annotation) per mechanism.
#: Annotation forms from the Kubernetes docs ("Restrict a Container's Syscalls with seccomp",
#: "Restrict a Container's Access to Resources with AppArmor"), deprecated in favour of the fields.
MECHANISMS = {
    "seccomp": (
        "seccompProfile",
        "container.seccomp.security.alpha.kubernetes.io/",
        "seccomp.security.alpha.kubernetes.io/pod",
    ),
    "AppArmor": ("appArmorProfile", "container.apparmor.security.beta.kubernetes.io/", None),
}


@dataclass(frozen=True, slots=True)
class Profile:
    confined: bool | None  # None: a value we do not understand
    text: str
    route: Route | None
    pod_level: bool


def _confined(value: Any) -> bool | None:
    if not isinstance(value, str):
        return None
    v = value.strip()
    if v in ("RuntimeDefault", "Localhost") or v in ("runtime/default", "docker/default") or v.startswith("localhost/"):
        return True
    if v in ("Unconfined", "unconfined"):
        return False
    return None


def profile(obj: ModelObject, c: Container, mechanism: str) -> Profile | None:
    """The effective profile, or None when nothing sets one."""
    field, container_prefix, pod_annotation = MECHANISMS[mechanism]
    sc = c.body.get("securityContext")
    typ = sc.get(field, {}).get("type") if isinstance(sc, dict) and isinstance(sc.get(field), dict) else None
    if typ is not None:
        return Profile(_confined(typ), str(typ), (*c.route, "securityContext", field, "type"), False)
    pod_route = pod_spec_route(obj) or ()
    psc = pod_spec(obj).get("securityContext")
    typ = psc.get(field, {}).get("type") if isinstance(psc, dict) and isinstance(psc.get(field), dict) else None
    if typ is not None:
        return Profile(_confined(typ), str(typ), (*pod_route, "securityContext", field, "type"), True)
    notes = pod_annotations(obj)
    meta = pod_template_route(obj) or ()
    key = container_prefix + c.name
    if key in notes:
        return Profile(_confined(notes[key]), str(notes[key]), (*meta, "annotations", key), False)
    if pod_annotation is not None and pod_annotation in notes:
        return Profile(
            _confined(notes[pod_annotation]), str(notes[pod_annotation]), (*meta, "annotations", pod_annotation), True
        )
    return None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    base, head = change.before, change.after
    if base is None or head is None:
        return
    pod_route = tuple(pod_spec_route(head) or ())
    for before, after in pair_containers(base, head):
        if before is None or after is None:
            continue
        for mechanism, (field, _, _) in MECHANISMS.items():
            was = profile(base, before, mechanism)
            if was is None or was.confined is not True:
                continue
            now = profile(head, after, mechanism)
            if now is not None and now.confined is not False:
                continue  # still confined, or a value we cannot judge
            pod_scope = was.pod_level and (now is None or now.pod_level)
            who = f"the pod of {head.label}" if pod_scope else f"{after.label} of {head.label}"
            shown = now.text if now is not None else "absent (unconfined unless the node defaults it)"
            yield Hit(
                message=f"{who}: {mechanism} profile {was.text} → {shown}",
                attr=f"securityContext.{field}" if pod_scope else f"{after.attr}.securityContext.{field}",
                head_route=now.route
                if now is not None
                else (*(pod_route if pod_scope else after.route), "securityContext"),
                base_route=was.route,
                before=was.text,
                after=now.text if now is not None else None,
            )


RULE = Rule(
    code="K8S011",
    name="seccomp-or-apparmor-relaxed",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
