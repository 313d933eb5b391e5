"""A Kubernetes object now tells a manifest scanner to skip some of its checks.

## What it does
Reads the suppression annotations of the object and of its pod template, as (tool, check) pairs,
and reports the pairs the head adds, on new objects too:

- kube-score `kube-score/ignore: <check>,<check>`;
- kube-linter `ignore-check.kube-linter.io/<check>` and `kube-linter.io/ignore-all`;
- Polaris `polaris.fairwinds.com/exempt: "true"` and `polaris.fairwinds.com/<check>-exempt: "true"`;
- Datree `datree.skip/<rule>`;
- Checkov `checkov.io/skip<N>: <check>=<reason>`;
- kubeaudit `kubeaudit.io/<check>` and `container.kubeaudit.io/<container>.<check>`.

Removing a suppression, or moving it between the object and its pod template, is silent.

## Why is this bad?
A suppression switches a security check off for this object from inside the change that needs
it: the scanner stays green while the weakness it exists to catch goes in. It deserves the same
review as editing the scanner's policy.

## Example
```yaml
# base                    # head
metadata:                 metadata:
  name: api                 name: api
                            annotations:
                              kube-score/ignore: container-security-context-privileged
```

## How to resolve
Fix what the check reports, or approve the finding with the reason the exception is safe.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.findings import Category, Severity
from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.workload import WORKLOAD_TYPES, pod_template_route
from regress.model import Change, ModelObject, Route, get_path
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.kubernetes import KINDS

#: Kinds the scanners above check (workloads and the objects around them).
CHECKED_KINDS = (
    *WORKLOAD_TYPES,
    "Service",
    "Ingress",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Namespace",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "SecurityContextConstraints",
)

Suppression = tuple[str, str]


def suppressions_in(notes: Any) -> dict[Suppression, str]:
    """(tool, check) → the annotation key that suppresses it."""
    out: dict[Suppression, str] = {}
    if not isinstance(notes, dict):
        return out
    for key, value in notes.items():
        if not isinstance(key, str):
            continue
        text = str(value).strip() if value is not None else ""
        for pair in _parse(key, text):
            out.setdefault(pair, key)
    return out


def _parse(key: str, value: str) -> list[Suppression]:
    # Annotation forms from each tool's documentation (kube-score README "Ignoring a test";
    # kube-linter docs "Ignoring violations"; Polaris docs "Exemptions"; Checkov docs
    # "Kubernetes" suppressions; kubeaudit docs "Override errors").
    if key == "kube-score/ignore":
        return [("kube-score", c.strip()) for c in value.split(",") if c.strip()]
    if key.startswith("ignore-check.kube-linter.io/"):
        return [("kube-linter", key.split("/", 1)[1])]
    if key == "kube-linter.io/ignore-all":
        return [("kube-linter", "*")]
    if key == "polaris.fairwinds.com/exempt":
        return [("polaris", "*")] if value.lower() == "true" else []
    if key.startswith("polaris.fairwinds.com/") and key.endswith("-exempt"):
        check = key.split("/", 1)[1][: -len("-exempt")]
        return [("polaris", check)] if value.lower() == "true" else []
    if key.startswith("datree.skip/"):
        return [("datree", key.split("/", 1)[1])]
    if key.startswith("checkov.io/skip"):
        check = value.split("=", 1)[0].strip()
        return [("checkov", check)] if check else []
    if key.startswith(("kubeaudit.io/", "container.kubeaudit.io/")):
        return [("kubeaudit", key.split("/", 1)[1])]
    return []


def suppressions(obj: ModelObject | None) -> dict[Suppression, Route]:
    if obj is None:
        return {}
    out: dict[Suppression, Route] = {}
    routes: list[Route] = [("metadata",)]
    template = pod_template_route(obj)
    if template is not None and template != ("metadata",):
        routes.append(template)
    for meta in routes:
        for pair, key in suppressions_in(get_path(obj.body, (*meta, "annotations"))).items():
            out.setdefault(pair, (*meta, "annotations", key))
    return out


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = change.after
    if head is None:
        return
    was = suppressions(change.before)
    for (tool, what), route in sorted(suppressions(head).items()):
        if (tool, what) in was:
            continue
        shown = "every check" if what == "*" else f"check {what}"
        yield Hit(
            message=f"{'new ' if change.before is None else ''}{head.label} tells {tool} to skip {shown} ({route[-1]})",
            attr=f"suppressions[{tool}:{what}]",
            head_route=route,
            after=what,
        )


RULE = Rule(
    code="SP004",
    name="scanner-ignore-annotation-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=KINDS,
    watches=tuple((FAMILY, t) for t in CHECKED_KINDS),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed"}),
)
