"""The Helm chart in deploy/helm/regress: Helm's lint, the Kubernetes schemas of what it renders,
the hardening its defaults promise, and regress's own verdict on it.

Rendering and linting use Helm's Go SDK through helm-python-sdk (scripts/check_chart.py, which CI
runs as well); schemas come from kubernetes-validate.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from regress.api import diff_folders

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "helm" / "regress"

pytest.importorskip("helm_python", reason="helm-python-sdk has wheels for Linux x86_64/aarch64 and macOS arm64 only")

_spec = importlib.util.spec_from_file_location("check_chart", ROOT / "scripts" / "check_chart.py")
assert _spec is not None and _spec.loader is not None
check_chart = importlib.util.module_from_spec(_spec)
sys.modules["check_chart"] = check_chart  # dataclasses look their module up while the class is built
_spec.loader.exec_module(check_chart)

VALUES_SETS = [name for name, _ in check_chart.values_sets(CHART)]


def rendered(values_name: str) -> list[dict[str, Any]]:
    values = dict(check_chart.values_sets(CHART))[values_name]
    return [doc for docs in check_chart.render(CHART, values).values() for doc in docs]


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def test_values_sets_are_the_defaults_and_each_ci_file() -> None:
    assert VALUES_SETS == ["values.yaml", "ci/embedded-values.yaml", "ci/full-values.yaml"]


@pytest.mark.parametrize("values_name", VALUES_SETS)
def test_helm_lint_strict_is_clean(values_name: str) -> None:
    values = dict(check_chart.values_sets(CHART))[values_name]
    lines, problems = check_chart.lint(CHART, values)
    assert problems == []
    # The one remaining message is informational: the chart has no icon.
    assert lines == ["[INFO] Chart.yaml: icon is recommended"]


def test_helm_lint_applies_the_values_schema() -> None:
    _, problems = check_chart.lint(CHART, {"mode": "cluster"})
    assert any("value must be one of 'scale-out', 'embedded'" in p.message for p in problems)
    _, problems = check_chart.lint(CHART, {"extraEnv": {"REGRESS_WEBHOOK_SECRET": "x"}})
    assert problems, "a secret passed as a plain value is refused by the schema"


@pytest.mark.parametrize("values_name", VALUES_SETS)
def test_rendered_objects_match_the_kubernetes_schemas(values_name: str) -> None:
    values = dict(check_chart.values_sets(CHART))[values_name]
    problems, skipped = check_chart.validate(check_chart.render(CHART, values))
    assert problems == []
    expected = (
        ["regress/templates/servicemonitor.yaml ServiceMonitor/regress (monitoring.coreos.com/v1): no schema"]
        if values_name == "ci/full-values.yaml"
        else []
    )
    assert skipped == expected


def test_schema_validation_catches_a_bad_object() -> None:
    bad = {"podSecurityContext": {"runAsNonRoot": True, "runAsUserr": 10001}}
    problems, _ = check_chart.validate(check_chart.render(CHART, bad))
    assert {p.message for p in problems} == {"Additional properties are not allowed ('runAsUserr' was unexpected)"}


def test_check_script_passes() -> None:
    assert check_chart.main([str(CHART)]) == 0


def test_default_topology_is_web_and_autoscaled_workers() -> None:
    objects = rendered("values.yaml")
    kinds = sorted((o["kind"], o["metadata"]["name"]) for o in objects)
    assert kinds == [
        ("Deployment", "regress-web"),
        ("Deployment", "regress-worker"),
        ("HorizontalPodAutoscaler", "regress-worker"),
        ("NetworkPolicy", "regress-web"),
        ("NetworkPolicy", "regress-worker"),
        ("PodDisruptionBudget", "regress-web"),
        ("PodDisruptionBudget", "regress-worker"),
        ("Service", "regress"),
        ("Service", "regress-worker"),
        ("ServiceAccount", "regress"),
    ]
    web, worker = of_kind(objects, "Deployment")
    assert web["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
        "--no-worker",
    ]
    assert worker["spec"]["template"]["spec"]["containers"][0]["args"] == ["worker", "--metrics-port", "9101"]
    assert "replicas" not in worker["spec"], "the HPA owns the worker count"
    (hpa,) = of_kind(objects, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "regress-worker"}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 8)
    # Every PDB and NetworkPolicy selects the pods of one Deployment.
    pods = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in of_kind(objects, "Deployment")}
    for obj in of_kind(objects, "PodDisruptionBudget") + of_kind(objects, "NetworkPolicy"):
        selector = (obj["spec"].get("selector") or obj["spec"]["podSelector"])["matchLabels"]
        assert selector.items() <= pods[obj["metadata"]["name"]].items(), obj["metadata"]["name"]


def test_embedded_mode_is_one_pod_on_a_volume() -> None:
    objects = rendered("ci/embedded-values.yaml")
    assert sorted(o["kind"] for o in objects) == [
        "Deployment",
        "NetworkPolicy",
        "PersistentVolumeClaim",
        "Service",
        "ServiceAccount",
    ]
    (web,) = of_kind(objects, "Deployment")
    assert web["spec"]["replicas"] == 1 and web["spec"]["strategy"] == {"type": "Recreate"}
    volumes = {v["name"]: v for v in web["spec"]["template"]["spec"]["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"] == {"claimName": "regress-data"}
    env = {e["name"] for e in web["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert "REGRESS_DATABASE_URL" not in env and "REGRESS_QUEUE_URL" not in env


@pytest.mark.parametrize("values_name", VALUES_SETS)
def test_every_pod_is_hardened(values_name: str) -> None:
    objects = rendered(values_name)
    assert of_kind(objects, "Secret") == [], "the chart references Secrets by name, never holds them"
    for deploy in of_kind(objects, "Deployment"):
        pod = deploy["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
        volumes = {v["name"]: v for v in pod["volumes"]}
        (container,) = pod["containers"]
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        }
        # The only writable paths: the data folder and /tmp, on volumes.
        mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
        assert set(mounts) == {"/var/lib/regress", "/tmp", "/var/run/secrets/regress"}
        assert mounts["/var/run/secrets/regress"]["readOnly"] is True
        assert "emptyDir" in volumes["tmp"]
        assert volumes["github-app"]["secret"]["defaultMode"] == 0o440  # group-readable (fsGroup) only
        # Secrets reach the process only from Secret objects.
        for var in container["env"]:
            if var["name"] in ("REGRESS_WEBHOOK_SECRET", "REGRESS_DATABASE_URL", "REGRESS_QUEUE_URL"):
                assert set(var) == {"name", "valueFrom"} and "secretKeyRef" in var["valueFrom"], var
        assert "REGRESS_GITHUB_PRIVATE_KEY" not in {v["name"] for v in container["env"]}
        assert container["resources"]["limits"]["memory"]
        assert container["resources"]["requests"]["cpu"]
        assert container["livenessProbe"] and container["readinessProbe"]


@pytest.mark.parametrize("values_name", VALUES_SETS)
def test_web_probes_use_healthz_and_readyz(values_name: str) -> None:
    web = next(d for d in of_kind(rendered(values_name), "Deployment") if d["metadata"]["name"] == "regress-web")
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}


def test_full_values_render_ingress_for_the_webhook_only_and_a_service_monitor() -> None:
    objects = rendered("ci/full-values.yaml")
    (ingress,) = of_kind(objects, "Ingress")
    (rule,) = ingress["spec"]["rules"]
    assert [(p["path"], p["pathType"]) for p in rule["http"]["paths"]] == [("/webhook", "Exact")]
    assert ingress["spec"]["tls"] == [{"hosts": ["regress.example.com"], "secretName": "regress-tls"}]
    (monitor,) = of_kind(objects, "ServiceMonitor")
    assert [e["port"] for e in monitor["spec"]["endpoints"]] == ["http", "metrics"]
    for deploy in of_kind(objects, "Deployment"):
        image = deploy["spec"]["template"]["spec"]["containers"][0]["image"]
        assert image == "regress:0.1.0@sha256:" + "0" * 64


def _keys(node: Any, prefix: str = "") -> set[str]:
    if not isinstance(node, dict) or not node:
        return {prefix} if prefix else set()
    out: set[str] = set()
    for key, value in node.items():
        out |= _keys(value, f"{prefix}.{key}" if prefix else str(key))
    return out


def _schema_keys(schema: dict[str, Any], prefix: str = "") -> set[str]:
    props = schema.get("properties")
    if not props or schema.get("additionalProperties") is not False:
        return {prefix} if prefix else set()
    out: set[str] = set()
    for key, sub in props.items():
        out |= _schema_keys(sub, f"{prefix}.{key}" if prefix else key)
    return out


def test_every_value_is_described_by_the_schema() -> None:
    values = YAML(typ="safe").load((CHART / "values.yaml").read_text(encoding="utf-8"))
    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    declared = _schema_keys(schema)
    # Each value's path is declared by the schema, down to where the schema stops fixing keys.
    for key in sorted(_keys(values)):
        assert any(key == d or key.startswith(d + ".") for d in declared), key
    for key in declared:
        assert any(k == key or k.startswith(key + ".") for k in _keys(values)) or key in (
            "imagePullSecrets",
            "tolerations",
        ), f"{key}: in the schema, not in values.yaml"


def test_values_file_comments_every_top_level_key() -> None:
    lines = (CHART / "values.yaml").read_text(encoding="utf-8").splitlines()
    undocumented = []
    for i, line in enumerate(lines):
        if line and not line.startswith((" ", "#")):
            above = lines[i - 1] if i else ""
            # A comment directly above, or a run of keys that one comment introduces.
            if not (above.startswith("#") or (above and not above.startswith(" ") and i > 1)):
                undocumented.append(line.split(":")[0])
    assert undocumented == []


# -- regress on its own chart ------------------------------------------------------------------------


def test_regress_finds_nothing_weak_in_the_chart(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    shutil.copytree(CHART, tmp_path / "head" / "deploy" / "helm" / "regress")
    report = diff_folders(tmp_path / "base", tmp_path / "head")
    assert [f.name for f in report.findings] == []
    assert report.notices == []
    # regress saw every object of every render root (and one values object per root).
    objects = sum(len(rendered(name)) for name in VALUES_SETS) + len(VALUES_SETS)
    assert report.stats["changes"] == {"added": objects}


def test_regress_sees_the_chart_weakened(tmp_path: Path) -> None:
    """The silence above is not blindness: weakening the defaults is reported."""
    base = tmp_path / "base" / "deploy" / "helm" / "regress"
    head = tmp_path / "head" / "deploy" / "helm" / "regress"
    shutil.copytree(CHART, base)
    shutil.copytree(CHART, head)
    values = (head / "values.yaml").read_text(encoding="utf-8")
    values = values.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
    values = values.replace("capabilities: {drop: [ALL]}", "capabilities: {drop: [NET_RAW]}")
    (head / "values.yaml").write_text(values, encoding="utf-8")
    web = (head / "templates" / "web-deployment.yaml").read_text(encoding="utf-8")
    start = web.index("          readinessProbe:")
    end = web.index("          resources:")
    (head / "templates" / "web-deployment.yaml").write_text(web[:start] + web[end:], encoding="utf-8")
    report = diff_folders(tmp_path / "base", tmp_path / "head")
    assert sorted({(f.name, f.category.value) for f in report.findings}) == [
        ("capabilities-no-longer-dropped", "security"),
        ("probe-removed", "monitoring"),
        ("root-filesystem-writable", "security"),
    ]
