"""Kustomize overlays: units, the built-in renderer, identity per overlay, and degradation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from regress.api import diff_git
from regress.kinds.base import LoadContext, ParseCache, Unit
from regress.kinds.kustomize.handler import KIND, KustomizeHandler, _strip_generator_hashes
from regress.model import NoticeKind, Side
from regress.source.folder import FolderSnapshot
from regress.yamlload import load_text
from tests.gitrepo import two_commits, write_tree

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: web:1.0
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
"""
BASE_K = "resources:\n  - deploy.yaml\nconfigMapGenerator:\n  - name: cfg\n    literals: [mode=fast]\n"
PROD_PATCH = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n"


def tree(prod_k: str, **extra: str) -> dict[str, str]:
    return {
        "deploy/base/deploy.yaml": DEPLOY,
        "deploy/base/kustomization.yaml": BASE_K,
        "deploy/overlays/prod/kustomization.yaml": prod_k,
        "deploy/overlays/prod/replicas.yaml": PROD_PATCH,
        "deploy/overlays/staging/kustomization.yaml": "resources:\n  - ../../base\nnamespace: staging\n",
        **extra,
    }


def run(tmp_path: Path, base: dict[str, str], head: dict[str, str]) -> tuple[list[str], list[str]]:
    repo, b, h = two_commits(tmp_path / "repo", base, head)
    report = diff_git(repo, b, h)
    return (
        [f"{f.code} {f.identity} {f.location} | {f.message}" for f in report.findings],
        [f"{n.kind.value} {n.path}: {n.message}" for n in report.notices],
    )


PROD_SMP = "resources:\n  - ../../base\nnamespace: prod\npatchesStrategicMerge:\n  - replicas.yaml\n"
PROD_PATCHES = "resources:\n  - ../../base\nnamespace: prod\npatches:\n  - path: replicas.yaml\n"


def test_a_dropped_overlay_patch_is_reported_for_that_overlay_only(tmp_path: Path) -> None:
    head_k = "resources:\n  - ../../base\nnamespace: prod\n"
    findings, notices = run(tmp_path, tree(PROD_SMP), tree(head_k))
    assert findings == [
        "K8S022 kubernetes:apps/Deployment/prod/web/deploy/overlays/prod deploy/base/deploy.yaml:6 | "
        "Deployment prod/web (deploy/overlays/prod): replicas 4 → 1"
    ]
    assert notices == []


def test_patches_strategic_merge_rewritten_as_patches_is_silent(tmp_path: Path) -> None:
    inline = (
        "resources:\n  - ../../base\nnamespace: prod\npatches:\n  - patch: |-\n"
        "      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: web\n"
        "      spec:\n        replicas: 4\n"
    )
    assert run(tmp_path / "a", tree(PROD_SMP), tree(PROD_PATCHES)) == ([], [])
    assert run(tmp_path / "b", tree(PROD_SMP), tree(inline)) == ([], [])


def test_a_base_change_reaches_every_overlay_once_and_not_as_a_plain_manifest(tmp_path: Path) -> None:
    head = tree(PROD_PATCHES)
    head["deploy/base/deploy.yaml"] = DEPLOY.replace(
        "          readinessProbe:\n            httpGet: {path: /ready, port: 8080}\n", ""
    )
    findings, _ = run(tmp_path, tree(PROD_PATCHES), head)
    assert [f.split(" | ")[0] for f in findings] == [
        "K8S026 kubernetes:apps/Deployment/prod/web/deploy/overlays/prod deploy/base/deploy.yaml:14",
        "K8S026 kubernetes:apps/Deployment/staging/web/deploy/overlays/staging deploy/base/deploy.yaml:14",
    ]


def test_patch_delete_directive_and_json_patch_apply(tmp_path: Path) -> None:
    delete_probe = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: web\n          readinessProbe:\n            $patch: delete\n"
    )
    json_ops = "- op: replace\n  path: /spec/replicas\n  value: 2\n"
    head_k = (
        "resources:\n  - ../../base\nnamespace: prod\npatches:\n  - path: probe.yaml\n"
        "  - path: ops.yaml\n    target: {kind: Deployment, name: web}\n"
    )
    head = tree(head_k, **{"deploy/overlays/prod/probe.yaml": delete_probe, "deploy/overlays/prod/ops.yaml": json_ops})
    findings, notices = run(tmp_path, tree(PROD_PATCHES), head)
    assert [f.split(" ")[0] for f in findings] == ["K8S022", "K8S026"]
    assert notices == []


def test_generators_keep_logical_names_and_images_transform(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write_tree(
        root,
        tree(
            "resources:\n  - ../../base\nnamePrefix: prod-\nimages:\n  - name: web\n    newTag: '2.0'\n"
            "commonLabels: {team: shop}\n"
        ),
    )
    ctx = LoadContext(FolderSnapshot(root), Side.HEAD, ParseCache())
    handler = KustomizeHandler(binaries=[])
    assert handler.units("deploy/base/deploy.yaml", ctx.snapshot) == [
        Unit(KIND, "deploy/overlays/prod"),
        Unit(KIND, "deploy/overlays/staging"),
    ]
    assert handler.units("deploy/unrelated.yaml", ctx.snapshot) == []
    result = handler.load(Unit(KIND, "deploy/overlays/prod"), ctx)
    by_kind = {o.type: o for o in result.objects}
    assert sorted(by_kind) == ["ConfigMap", "Deployment"]
    assert by_kind["ConfigMap"].key[3] == "prod-cfg"
    deploy = by_kind["Deployment"].body
    assert deploy["metadata"]["name"] == "prod-web"
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "web:2.0"
    assert deploy["spec"]["selector"]["matchLabels"] == {"app": "web", "team": "shop"}


def test_unsupported_features_without_a_binary_are_a_notice(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write_tree(root, tree("resources:\n  - ../../base\nhelmCharts:\n  - name: redis\n"))
    ctx = LoadContext(FolderSnapshot(root), Side.HEAD, ParseCache())
    result = KustomizeHandler(binaries=[]).load(Unit(KIND, "deploy/overlays/prod"), ctx)
    assert result.objects == []
    assert [(n.kind, n.message) for n in result.notices] == [
        (
            NoticeKind.DEGRADED,
            "overlay not rendered (deploy/overlays/prod/kustomization.yaml: helmCharts not supported by the "
            "built-in renderer; no kustomize or kubectl on PATH)",
        )
    ]


@pytest.mark.skipif(not (shutil.which("kubectl") or shutil.which("kustomize")), reason="no kustomize binary")
def test_binary_renders_what_the_builtin_does_not(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write_tree(root, tree("resources:\n  - ../../base\nnamespace: prod\nreplacements: []\n"))
    ctx = LoadContext(FolderSnapshot(root), Side.HEAD, ParseCache())
    result = KustomizeHandler().load(Unit(KIND, "deploy/overlays/prod"), ctx)
    assert sorted((o.type, o.key[2], o.key[3]) for o in result.objects) == [
        ("ConfigMap", "prod", "cfg"),
        ("Deployment", "prod", "web"),
    ]


def test_generator_hash_suffixes_are_stripped_everywhere() -> None:
    docs = load_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg-4h2mbtbbt6}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n"
        "    - name: c\n      configMap: {name: cfg-4h2mbtbbt6}\n"
    ).documents
    out = _strip_generator_hashes(docs)
    assert out[0]["metadata"]["name"] == "cfg"
    assert out[1]["spec"]["volumes"][0]["configMap"]["name"] == "cfg"
