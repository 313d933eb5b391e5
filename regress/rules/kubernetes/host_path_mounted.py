"""A pod now mounts a path of the node, or mounts one writable.

## What it does
Reports a `hostPath` volume whose path is new to the pod (not equal to or under a host path the
base already mounted), on changed and on newly added workloads; sensitive paths (`/`, `/etc`,
`/proc`, `/sys`, `/root`, `/dev`, the container runtime sockets, the kubelet's directory) are
high severity. Also reports a mount of a `hostPath` volume whose `readOnly: true` was dropped.
Narrowing a host path (`/var/log` → `/var/log/pods`) and renaming the volume are silent.

## Why is this bad?
A host path gives the pod the node's files: `/var/run/docker.sock` or the containerd socket is
root on the node, `/etc` holds its credentials, `/var/lib/kubelet` every pod's secrets. The Pod
Security Standards' `baseline` level forbids `hostPath` volumes.

## Example
```yaml
# base                          # head
volumes:                        volumes:
  - name: logs                    - name: logs
    emptyDir: {}                    hostPath: {path: /var/log}
```

## How to resolve
Use an `emptyDir`, a PersistentVolumeClaim or a CSI volume instead; or approve the finding with
the reason (a log or metrics agent), ideally with the mount `readOnly: true`.

## Options
None.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, Volume, pair_containers, volumes
from regress.model import Change, ModelObject, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: Host paths that hand over the node: its root, configuration and credentials, kernel
#: interfaces, devices, the container runtimes' sockets and state, and the kubelet's pod data.
SENSITIVE = (
    "/",
    "/etc",
    "/root",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/var/run",
    "/run",
    "/var/run/docker.sock",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/etc/kubernetes",
)


def _norm(path: str) -> str:
    return posixpath.normpath("/" + path.strip()).replace("//", "/")


def host_paths(obj: ModelObject | None) -> dict[str, Volume]:
    out: dict[str, Volume] = {}
    if obj is None:
        return out
    for vol in volumes(obj).values():
        hp = vol.body.get("hostPath")
        if isinstance(hp, dict) and isinstance(hp.get("path"), str):
            out.setdefault(_norm(hp["path"]), vol)
    return out


def _covered(path: str, base: set[str]) -> bool:
    return any(path == b or path.startswith(b.rstrip("/") + "/") for b in base)


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    was = host_paths(change.before)
    for path, vol in sorted(host_paths(head).items()):
        if _covered(path, set(was)):
            continue
        where = "new " if change.before is None else ""
        yield Hit(
            message=f"{where}{head.label} mounts host path {path} (volume {vol.name!r})",
            attr=f"volumes.hostPath[{path}]",
            head_route=(*vol.route, "hostPath", "path"),
            before=None,
            after=path,
            severity=Severity.HIGH if path in SENSITIVE else None,
        )
    if change.before is None:
        return
    yield from _writable_mounts(change.before, head)


def _writable_mounts(base: ModelObject, head: ModelObject) -> Iterator[Hit]:
    base_hp = {v.name for v in host_paths(base).values()}
    head_vols = host_paths(head)
    head_hp = {v.name: p for p, v in head_vols.items()}
    for before, after in pair_containers(base, head):
        if before is None or after is None:
            continue
        was_ro = _read_only_mounts(before.body, before.route)
        mounts = after.body.get("volumeMounts")
        if not isinstance(mounts, list):
            continue
        for i, m in enumerate(mounts):
            if not isinstance(m, dict) or m.get("name") not in head_hp or m.get("name") not in base_hp:
                continue
            key = (m.get("name"), m.get("mountPath"))
            if key in was_ro and m.get("readOnly") is not True:
                yield Hit(
                    message=f"{after.label} of {head.label} now mounts host path {head_hp[m['name']]} "
                    f"writable at {m.get('mountPath')} (readOnly true → {_read_only_text(m.get('readOnly'))})",
                    attr=f"{after.attr}.volumeMounts[{m.get('mountPath')}].readOnly",
                    head_route=(*after.route, "volumeMounts", i),
                    base_route=was_ro[key],
                    before=True,
                    after=m.get("readOnly"),
                )


def _read_only_text(value: object) -> str:
    return "false" if value is False else "absent"


def _read_only_mounts(body: dict[str, object], route: Route) -> dict[tuple[object, object], Route]:
    mounts = body.get("volumeMounts")
    if not isinstance(mounts, list):
        return {}
    return {
        (m.get("name"), m.get("mountPath")): (*route, "volumeMounts", i)
        for i, m in enumerate(mounts)
        if isinstance(m, dict) and m.get("readOnly") is True
    }


RULE = Rule(
    code="K8S010",
    name="host-path-mounted",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
