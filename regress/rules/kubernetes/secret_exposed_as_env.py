"""A secret the pod mounted as a file is now also handed to a container as environment variables.

## What it does
Reports a container that gains an `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef` naming
a Secret the base pod already consumed as a mounted volume (`secret` or `projected` sources).
Secrets that were never mounted are not reported: reading a new secret from the environment is
ordinary configuration.

## Why is this bad?
Environment variables leak where files do not: into crash dumps and debug endpoints, into child
processes, into `kubectl describe`-style tooling and logs that print the environment. Moving a
secret from a file into the environment undoes a deliberate choice.

## Example
```yaml
# base                                   # head
volumeMounts:                            env:
  - {name: creds, mountPath: /secrets}     - name: DB_PASSWORD
                                             valueFrom:
                                               secretKeyRef: {name: db, key: password}
```

## How to resolve
Keep reading the secret from the mounted file, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pair_containers, volumes
from regress.model import Change, ModelObject, Route
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS


def mounted_secrets(obj: ModelObject) -> set[str]:
    out: set[str] = set()
    for vol in volumes(obj).values():
        secret = vol.body.get("secret")
        if isinstance(secret, dict) and isinstance(secret.get("secretName"), str):
            out.add(secret["secretName"])
        projected = vol.body.get("projected")
        sources = projected.get("sources") if isinstance(projected, dict) else None
        for src in sources if isinstance(sources, list) else []:
            ref = src.get("secret") if isinstance(src, dict) else None
            if isinstance(ref, dict) and isinstance(ref.get("name"), str):
                out.add(ref["name"])
    return out


def env_secrets(body: dict[str, Any], route: Route) -> dict[str, Route]:
    """Secrets a container reads into its environment, with where each is referenced."""
    out: dict[str, Route] = {}
    env = body.get("env")
    for i, item in enumerate(env if isinstance(env, list) else []):
        ref = (
            item.get("valueFrom", {}).get("secretKeyRef")
            if isinstance(item, dict) and isinstance(item.get("valueFrom"), dict)
            else None
        )
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            out.setdefault(ref["name"], (*route, "env", i))
    env_from = body.get("envFrom")
    for i, item in enumerate(env_from if isinstance(env_from, list) else []):
        ref = item.get("secretRef") if isinstance(item, dict) else None
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            out.setdefault(ref["name"], (*route, "envFrom", i))
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    if change.before is None or change.after is None:
        return
    mounted = mounted_secrets(change.before)
    if not mounted:
        return
    for before, after in pair_containers(change.before, change.after):
        if before is None or after is None:
            continue
        was = env_secrets(before.body, before.route)
        for name, route in sorted(env_secrets(after.body, after.route).items()):
            if name in was or name not in mounted:
                continue
            yield Hit(
                message=f"{after.label} of {change.after.label} now reads secret {name!r} into its environment; "
                "the pod mounted it as a file before",
                attr=f"{after.attr}.env.secret[{name}]",
                head_route=route,
                after=name,
            )


RULE = Rule(
    code="K8S015",
    name="secret-exposed-as-env",
    category=Category.SECURITY,
    severity=Severity.LOW,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in WORKLOAD_TYPES),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed"}),
)
