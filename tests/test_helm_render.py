"""Helm charts: rendering, render roots, dependencies, bounds, and what degrades to a notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from regress.api import diff_git
from regress.kinds.base import LoadContext, LoadResult, ParseCache, Unit
from regress.kinds.helm.handler import KIND, HelmHandler
from regress.kinds.helm.render import Backend, Limits, available_backends
from regress.model import NoticeKind, Side
from regress.source.folder import FolderSnapshot
from tests.gitrepo import two_commits, write_tree

needs_renderer = pytest.mark.skipif(not available_backends(), reason="no Helm renderer installed")

CHART = "apiVersion: v2\nname: web\nversion: 1.0.0\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: web
          image: web:1.0
"""


def load(
    tmp_path: Path, files: dict[str, str], side: Side = Side.HEAD, handler: HelmHandler | None = None
) -> LoadResult:
    root = tmp_path / "tree"
    write_tree(root, files)
    ctx = LoadContext(FolderSnapshot(root), side, ParseCache())
    return (handler or HelmHandler()).load(Unit(KIND, "chart"), ctx)


def kinds(result: LoadResult) -> list[tuple[str, str]]:
    return sorted((o.type, o.origin.unit) for o in result.objects if o.family == "kubernetes")


@needs_renderer
def test_renders_default_and_environment_roots_as_separate_identities(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "chart/Chart.yaml": CHART,
            "chart/values.yaml": "replicaCount: 2\n",
            "chart/values-prod.yaml": "replicaCount: 5\n",
            "chart/ci/test-values.yaml": "replicaCount: 1\n",
            "chart/templates/deployment.yaml": DEPLOYMENT,
            "chart/templates/NOTES.txt": "{{ .Values.missing.key }}\n",
        },
    )
    assert kinds(result) == [
        ("Deployment", "chart"),
        ("Deployment", "chart@ci/test-values.yaml"),
        ("Deployment", "chart@values-prod.yaml"),
    ]
    replicas = {o.origin.unit: o.body["spec"]["replicas"] for o in result.objects if o.type == "Deployment"}
    assert replicas == {"chart": 2, "chart@ci/test-values.yaml": 1, "chart@values-prod.yaml": 5}
    assert result.notices == []


@needs_renderer
def test_rendered_attribute_points_at_the_values_key_or_the_template_line(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "chart/Chart.yaml": CHART,
            "chart/values.yaml": "image: web:1.0\nreplicaCount: 2\n",
            "chart/templates/deployment.yaml": DEPLOYMENT,
        },
    )
    (deploy,) = [o for o in result.objects if o.type == "Deployment"]
    assert deploy.locate(("spec", "replicas"), Side.HEAD).path == "chart/values.yaml"
    assert deploy.locate(("spec", "replicas"), Side.HEAD).line == 2
    image = deploy.locate(("spec", "template", "spec", "containers", 0, "image"), Side.HEAD)
    assert (image.path, image.line) == ("chart/templates/deployment.yaml", 11)


def test_without_a_renderer_only_values_are_analysed_and_a_notice_says_so(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {"chart/Chart.yaml": CHART, "chart/values.yaml": "replicaCount: 2\n", "chart/templates/d.yaml": DEPLOYMENT},
        handler=HelmHandler(backends=[]),
    )
    assert kinds(result) == []
    assert [o.type for o in result.objects] == ["HelmValues"]
    assert [n.kind for n in result.notices] == [NoticeKind.DEGRADED]
    assert "no Helm renderer" in result.notices[0].message


@needs_renderer
def test_missing_remote_dependency_renders_without_it_and_says_so(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "chart/Chart.yaml": CHART + "dependencies:\n  - name: redis\n    version: 17.x\n"
            "    repository: https://charts.example.invalid\n",
            "chart/values.yaml": "replicaCount: 1\n",
            "chart/templates/deployment.yaml": DEPLOYMENT,
        },
    )
    assert kinds(result) == [("Deployment", "chart")]
    assert [(n.kind, n.message) for n in result.notices] == [
        (
            NoticeKind.UNRESOLVED,
            "dependency 'redis' from https://charts.example.invalid is not in charts/ and cannot be fetched "
            "offline: rendered without it",
        )
    ]


SUB_CHART = "apiVersion: v2\nname: cache\nversion: 0.1.0\n"
SUB_TEMPLATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cache\n"


@needs_renderer
def test_local_and_file_dependencies_render_unless_their_condition_is_false(tmp_path: Path) -> None:
    files = {
        "charts/app/Chart.yaml": CHART.replace("name: web", "name: app")
        + "dependencies:\n  - name: cache\n    repository: file://../cache\n    condition: cache.enabled\n"
        "  - name: queue\n    condition: queue.enabled\n",
        "charts/app/values.yaml": "replicaCount: 1\ncache:\n  enabled: true\n",
        "charts/app/values-small.yaml": "cache:\n  enabled: false\nqueue:\n  enabled: false\n",
        "charts/app/templates/deployment.yaml": DEPLOYMENT,
        "charts/app/charts/queue/Chart.yaml": SUB_CHART.replace("cache", "queue"),
        "charts/app/charts/queue/templates/cm.yaml": SUB_TEMPLATE.replace("cache", "queue"),
        "charts/cache/Chart.yaml": SUB_CHART,
        "charts/cache/templates/cm.yaml": SUB_TEMPLATE,
    }
    root = tmp_path / "tree"
    write_tree(root, files)
    ctx = LoadContext(FolderSnapshot(root), Side.HEAD, ParseCache())
    handler = HelmHandler()
    # A change to the shared chart re-renders the chart that uses it.
    assert handler.units("charts/cache/templates/cm.yaml", ctx.snapshot) == [
        Unit(KIND, "charts/cache"),
        Unit(KIND, "charts/app"),
    ]
    # A change inside a subchart folder belongs to the parent chart.
    assert handler.units("charts/app/charts/queue/templates/cm.yaml", ctx.snapshot) == [Unit(KIND, "charts/app")]
    result = handler.load(Unit(KIND, "charts/app"), ctx)
    names = sorted((o.origin.unit, o.key[3], o.origin.path) for o in result.objects if o.family == "kubernetes")
    assert names == [
        ("charts/app", "release-cache", "charts/cache/templates/cm.yaml"),
        ("charts/app", "release-queue", "charts/app/charts/queue/templates/cm.yaml"),
        ("charts/app", "release-web", "charts/app/templates/deployment.yaml"),
        ("charts/app@values-small.yaml", "release-web", "charts/app/templates/deployment.yaml"),
    ]


@needs_renderer
def test_lookup_returns_nothing_and_no_cluster_is_asked(tmp_path: Path) -> None:
    template = (
        '{{- $s := lookup "v1" "Secret" "kube-system" "token" }}\n'
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n"
        'data:\n  found: {{ if $s }}"yes"{{ else }}"no"{{ end }}\n'
        '  host: "{{ getHostByName "example.com" }}"\n'
    )
    result = load(tmp_path, {"chart/Chart.yaml": CHART, "chart/templates/cm.yaml": template})
    (cm,) = [o for o in result.objects if o.type == "ConfigMap"]
    assert dict(cm.body["data"]) == {"found": "no", "host": ""}


LOOP = """\
{{- range $i := until 100000 }}{{- range $j := until 100000 }}{{- end }}{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: never
"""
MEMORY_BOMB = """\
{{- range $i := until 1000000000 }}x{{- end }}
"""
OUTPUT_BOMB = """\
{{- range $i := until 20000 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ $i }}
data:
  padding: "{{ repeat 100 "x" }}"
{{- end }}
"""


@needs_renderer
@pytest.mark.parametrize(
    ("template", "limits", "reason"),
    [
        (LOOP, Limits(seconds=2), "rendering took longer than 2 s"),
        (MEMORY_BOMB, Limits(memory=2 * 1024 * 1024 * 1024), "more memory"),
        (OUTPUT_BOMB, Limits(output=1024 * 1024), "limit"),
    ],
    ids=["loop", "memory", "output"],
)
def test_unbounded_templates_are_cut_off(tmp_path: Path, template: str, limits: Limits, reason: str) -> None:
    files = {
        "chart/Chart.yaml": CHART,
        "chart/values.yaml": "bomb: false\n",
        "chart/ci/ok-values.yaml": "bomb: false\n",
        "chart/templates/bomb.yaml": "{{- if ne .Values.bomb false }}\n" + template + "{{- end }}\n",
    }
    # The default root blows up; the environment root (bomb: false) must still render afterwards.
    files["chart/values.yaml"] = "bomb: true\n"
    files["chart/templates/ok.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n"
    head = load(tmp_path / "head", files, Side.HEAD, HelmHandler(limits))
    assert len(head.errors) == 1
    assert head.errors[0].path == "chart/values.yaml"
    assert reason in head.errors[0].message, head.errors
    assert kinds(head) == [("ConfigMap", "chart@ci/ok-values.yaml")]
    base = load(tmp_path / "base", files, Side.BASE, HelmHandler(limits))
    assert base.errors == []
    assert [n.kind for n in base.notices] == [NoticeKind.LIMIT], base.notices


def test_an_unreadable_chart_yaml_on_the_head_is_unverifiable(tmp_path: Path) -> None:
    result = load(tmp_path, {"chart/Chart.yaml": "name: [unclosed\n", "chart/values.yaml": "a: 1\n"})
    assert [(e.path, e.line) for e in result.errors] == [("chart/Chart.yaml", 2)]


def test_backend_order_prefers_the_sdk() -> None:
    backends = available_backends()
    if Backend.SDK in backends:
        assert backends[0] is Backend.SDK


# -- through the engine, on real git repositories ------------------------------------------------


def run(tmp_path: Path, base: dict[str, str], head: dict[str, str]) -> tuple[list[str], list[str]]:
    repo, b, h = two_commits(tmp_path / "repo", base, head)
    report = diff_git(repo, b, h)
    return [f"{f.code} {f.location}" for f in report.findings], [f"{n.kind.value} {n.message}" for n in report.notices]


HARDCODED = DEPLOYMENT.replace("{{ .Values.replicaCount }}", "3") + (
    "          resources:\n            limits:\n              memory: 128Mi\n"
)
FROM_VALUES = DEPLOYMENT.replace("{{ .Values.replicaCount }}", "{{ .Values.replicaCount }}") + (
    "          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n"
)


@needs_renderer
def test_settings_moved_from_template_to_values_and_a_version_bump_are_silent(tmp_path: Path) -> None:
    base = {"chart/Chart.yaml": CHART, "chart/templates/deployment.yaml": HARDCODED}
    head = {
        "chart/Chart.yaml": CHART.replace("1.0.0", "1.1.0") + "appVersion: 2.0.0\n",
        "chart/values.yaml": "# defaults\nreplicaCount: 3\nresources:\n  limits: {memory: 128Mi}\n",
        "chart/templates/deployment.yaml": FROM_VALUES,
    }
    assert run(tmp_path, base, head) == ([], [])


@needs_renderer
def test_template_error_on_either_side_degrades_to_a_notice(tmp_path: Path) -> None:
    broken = DEPLOYMENT.replace("{{ .Values.replicaCount }}", "{{ .Values.replicaCount | badFunction }}")
    good = {"chart/Chart.yaml": CHART, "chart/values.yaml": "replicaCount: 2\n"}
    findings, notices = run(
        tmp_path / "a", {**good, "chart/templates/d.yaml": broken}, {**good, "chart/templates/d.yaml": DEPLOYMENT}
    )
    assert findings == []
    assert len(notices) == 1
    assert notices[0].startswith("degraded chart not rendered with values.yaml: ")
    findings, notices = run(
        tmp_path / "b", {**good, "chart/templates/d.yaml": DEPLOYMENT}, {**good, "chart/templates/d.yaml": broken}
    )
    assert findings == []
    assert len(notices) == 1
    assert "badFunction" in notices[0]
