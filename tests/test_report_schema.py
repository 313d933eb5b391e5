"""The JSON report's schema: valid itself, strict enough to catch a broken report."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from regress.report.json_report import schema
from tests.reportschema import assert_valid_report

GOOD: dict[str, Any] = {
    "schema": "regress.report/v1",
    "base": {"label": "main", "resolved": "a" * 40},
    "head": {"label": "feature", "resolved": "b" * 40},
    "findings": [
        {
            "code": "K8S022",
            "name": "replicas-reduced",
            "category": "reliability",
            "severity": "medium",
            "message": "Deployment prod/web: replicas 5 → 3",
            "fingerprint": "0123456789abcdef",
            "approved": True,
            "approval": {
                "by": "alice",
                "reason": "capacity plan",
                "source": "file",
                "expires": None,
                "reference": None,
            },
            "location": {"path": "web.yaml", "line": 7, "side": "head"},
            "related": [{"path": "web.yaml", "line": 7, "side": "base"}],
            "before": 5,
            "after": 3,
            "identity": "kubernetes:apps/Deployment/prod/web",
            "attribute": "spec.replicas",
            "kind": "kubernetes",
        }
    ],
    "notices": [{"kind": "skipped", "message": "symlink not analysed", "path": "link.yaml", "line": None}],
    "stats": {"findings": 1},
}


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    doc = schema()
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(doc)


def test_a_complete_report_validates() -> None:
    assert_valid_report(GOOD)


def _broken(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema",), "regress.report/v2"),
        (("findings", 0, "fingerprint"), "0123456789abcde"),  # 15 digits
        (("findings", 0, "fingerprint"), "0123456789ABCDEF"),
        (("findings", 0, "category"), "style"),
        (("findings", 0, "severity"), "info"),
        (("findings", 0, "name"), "Replicas_Reduced"),
        (("findings", 0, "code"), "k8s022"),
        (("findings", 0, "approval"), None),  # approved without an approval
        (("findings", 0, "approval", "reason"), ""),
        (("findings", 0, "location", "line"), 0),
        (("findings", 0, "location", "side"), "left"),
        (("findings", 0, "identity"), KeyError),
        (("findings", 0, "surprise"), 1),
        (("notices", 0, "kind"), "warning"),
        (("stats",), KeyError),
    ],
)
def test_a_broken_report_is_refused(path: tuple[Any, ...], value: Any) -> None:
    with pytest.raises(AssertionError, match="report violates"):
        assert_valid_report(_broken(path, value))


def test_an_unapproved_finding_must_not_carry_an_approval() -> None:
    doc = _broken(("findings", 0, "approved"), False)
    with pytest.raises(AssertionError, match="report violates"):
        assert_valid_report(doc)
    doc["findings"][0]["approval"] = None
    assert_valid_report(doc)
