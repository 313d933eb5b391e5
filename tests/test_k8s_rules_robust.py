"""Kubernetes rules never raise on malformed objects: wrong types anywhere in a manifest are
unknown values, not crashes (a crash would only surface as a rule-failed finding)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from regress.kinds.kubernetes.handler import objects_from_documents
from regress.model import Change, ModelObject, Status
from regress.rules.base import Index, RuleContext
from regress.rules.registry import RULES

K8S_RULES = [r for r in RULES if "kubernetes" in r.kinds]
KINDS = sorted({t for r in K8S_RULES for _, t in r.watches})

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "spec",
                    "template",
                    "containers",
                    "initContainers",
                    "securityContext",
                    "name",
                    "image",
                    "rules",
                    "ingress",
                    "egress",
                    "from",
                    "selector",
                    "podSelector",
                    "replicas",
                    "minReplicas",
                    "resources",
                    "limits",
                    "requests",
                    "volumes",
                    "hostPath",
                    "path",
                    "annotations",
                    "labels",
                    "metadata",
                    "capabilities",
                    "add",
                    "drop",
                    "groups",
                    "ports",
                    "tls",
                    "hosts",
                    "command",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=25,
)


def _obj(kind: str, body: Any) -> ModelObject | None:
    doc = {"apiVersion": "v1", "kind": kind, "metadata": {"name": "x"}}
    if isinstance(body, dict):
        doc.update({k: v for k, v in body.items() if k not in ("apiVersion", "kind", "metadata")})
    objs = objects_from_documents([doc], "x.yaml", "kubernetes")
    return objs[0] if objs else None


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), before=values, after=values)
def test_rules_tolerate_any_shape(kind: str, before: Any, after: Any) -> None:
    a, b = _obj(kind, before), _obj(kind, after)
    assert a is not None and b is not None
    ctx = RuleContext(Index([a]), Index([b]), {}, None, None)
    for change in (Change(Status.MODIFIED, a, b), Change(Status.ADDED, None, b), Change(Status.REMOVED, a, None)):
        for rule in K8S_RULES:
            if (change.family, change.type) not in rule.watches or change.status.value not in rule.statuses:
                continue
            ctx = RuleContext(Index([a]), Index([b]), rule.default_options(), None, None)
            list(rule.check(change, ctx))


def _skeleton() -> dict[str, Any]:
    container = {
        "name": "app",
        "image": "app:1.0",
        "securityContext": {"capabilities": {"add": ["NET_ADMIN"], "drop": ["ALL"]}, "runAsUser": 1000},
        "resources": {"limits": {"memory": "1Gi"}, "requests": {"cpu": "100m"}},
        "ports": [{"containerPort": 80, "hostPort": 80}],
        "readinessProbe": {"httpGet": {"path": "/"}, "periodSeconds": 5},
        "livenessProbe": {"tcpSocket": {"port": 80}},
        "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
        "volumeMounts": [{"name": "h", "mountPath": "/h", "readOnly": True}],
        "command": ["kube-apiserver", "--audit-log-path=/x", "--audit-log-maxage=3"],
    }
    return {
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "x"}},
            "template": {
                "metadata": {"labels": {"app": "x"}, "annotations": {"prometheus.io/scrape": "true"}},
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [container],
                    "initContainers": [dict(container, name="init")],
                    "volumes": [
                        {"name": "h", "hostPath": {"path": "/var/log"}},
                        {"name": "s", "secret": {"secretName": "s"}},
                    ],
                    "affinity": {
                        "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "z"}]}
                    },
                    "topologySpreadConstraints": [{"topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}],
                },
            },
        }
    }


PATHS = [
    ("spec",),
    ("spec", "template"),
    ("spec", "template", "spec"),
    ("spec", "template", "spec", "containers"),
    ("spec", "template", "spec", "containers", 0),
    ("spec", "template", "spec", "containers", 0, "securityContext"),
    ("spec", "template", "spec", "containers", 0, "securityContext", "capabilities"),
    ("spec", "template", "spec", "containers", 0, "resources"),
    ("spec", "template", "spec", "containers", 0, "ports"),
    ("spec", "template", "spec", "containers", 0, "readinessProbe"),
    ("spec", "template", "spec", "containers", 0, "env"),
    ("spec", "template", "spec", "containers", 0, "command"),
    ("spec", "template", "spec", "securityContext"),
    ("spec", "template", "spec", "volumes"),
    ("spec", "template", "spec", "affinity"),
    ("spec", "template", "metadata"),
    ("spec", "selector"),
    ("spec", "replicas"),
]


def _mutate(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node: Any = body
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return body


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), path=st.sampled_from(PATHS), value=values, side=st.booleans())
def test_rules_tolerate_malformed_fields_of_a_realistic_object(
    kind: str, path: tuple[Any, ...], value: Any, side: bool
) -> None:
    base, head = _skeleton(), _skeleton()
    _mutate(base if side else head, path, value)
    test_rules_tolerate_any_shape.hypothesis.inner_test(kind=kind, before=base, after=head)  # type: ignore[attr-defined]
