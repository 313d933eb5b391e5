"""The Kubernetes model's value semantics: quantities, image pins, RBAC grant coverage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from regress.kinds.kubernetes.images import Pin, parse_image
from regress.kinds.kubernetes.quantity import parse_quantity
from regress.kinds.kubernetes.rbac import Grant, covers, grants


@pytest.mark.parametrize(
    ("a", "b"),
    [("1000m", "1"), ("1Gi", "1024Mi"), ("1k", "1000"), ("0.5", "500m"), ("1e3", "1k"), (2, "2000m")],
)
def test_equal_quantities_compare_equal(a: object, b: object) -> None:
    assert parse_quantity(a) == parse_quantity(b)


def test_quantity_values() -> None:
    assert parse_quantity("128Mi") == Decimal(128 * 1024 * 1024)
    assert parse_quantity("100m") == Decimal("0.1")
    assert parse_quantity("1.5Gi") == Decimal(1.5 * 1024**3)


@pytest.mark.parametrize("value", ["", "lots", "{{ .Values.mem }}", "1Zi", True, None, [1]])
def test_not_a_quantity(value: object) -> None:
    assert parse_quantity(value) is None


@pytest.mark.parametrize(
    ("ref", "pin", "repository", "tag"),
    [
        ("nginx", Pin.FLOATING, "nginx", None),
        ("nginx:latest", Pin.FLOATING, "nginx", "latest"),
        ("nginx:1.25.3", Pin.TAG, "nginx", "1.25.3"),
        ("registry.example.com:5000/team/app:main", Pin.FLOATING, "registry.example.com:5000/team/app", "main"),
        ("registry.example.com:5000/team/app", Pin.FLOATING, "registry.example.com:5000/team/app", None),
        ("busybox:1.36@sha256:" + "a" * 64, Pin.DIGEST, "busybox", "1.36"),
        ("ghcr.io/org/app@sha256:" + "b" * 64, Pin.DIGEST, "ghcr.io/org/app", None),
    ],
)
def test_image_pins(ref: str, pin: Pin, repository: str, tag: str | None) -> None:
    image = parse_image(ref)
    assert image is not None
    assert (image.pin, image.repository, image.tag) == (pin, repository, tag)


@pytest.mark.parametrize("ref", ["", "${IMAGE}", "app:$(TAG)", "{{ .Values.image }}", "app@notadigest", 42])
def test_templated_or_broken_images_are_unknown(ref: object) -> None:
    assert parse_image(ref) is None


def test_rbac_grants_expand_rules() -> None:
    body = {"rules": [{"apiGroups": ["", "apps"], "resources": ["pods"], "verbs": ["get", "list"]}]}
    got = grants(body)
    assert got is not None
    assert sorted((g.group, g.resource, g.verb) for g in got) == [
        ("", "pods", "get"),
        ("", "pods", "list"),
        ("apps", "pods", "get"),
        ("apps", "pods", "list"),
    ]


def test_rbac_coverage_follows_the_authorizer() -> None:
    any_resource = Grant("", "*", "get")
    assert covers(any_resource, Grant("", "pods/exec", "get"))
    assert not covers(any_resource, Grant("apps", "deployments", "get"))
    assert covers(Grant("", "*/scale", "update"), Grant("", "deployments/scale", "update"))
    assert not covers(Grant("", "*/scale", "update"), Grant("", "deployments", "update"))
    named = Grant("", "secrets", "get", frozenset({"a", "b"}))
    assert covers(named, Grant("", "secrets", "get", frozenset({"a"})))
    assert not covers(named, Grant("", "secrets", "get"))
    assert covers(Grant("/metrics*", "", "get", url=True), Grant("/metrics/cadvisor", "", "get", url=True))


def test_unreadable_rbac_rules_are_unknown() -> None:
    assert grants({"rules": "everything"}) is None
    assert grants({"rules": [{"verbs": "get"}]}) is None
