"""Whole-file template guards: finding them, evaluating them with values, switching them on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regress.kinds.base import LoadContext, LoadResult, ParseCache, Unit
from regress.kinds.helm import guards
from regress.kinds.helm.handler import KIND, HelmHandler
from regress.kinds.helm.render import available_backends
from regress.model import NoticeKind, Side
from regress.source.folder import FolderSnapshot
from tests.gitrepo import write_tree

needs_renderer = pytest.mark.skipif(not available_backends(), reason="no Helm renderer installed")

BODY = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"


def test_a_guard_wrapping_the_whole_file_is_found_after_comments() -> None:
    text = "{{/* only on OpenShift */}}\n{{- if .Values.rbac.sccEnabled }}\n" + BODY + "{{- end }}\n"
    guard = guards.find_guard(text)
    assert guard is not None
    assert guard.text == ".Values.rbac.sccEnabled"
    assert guard.condition == guards.Values(("rbac", "sccEnabled"))
    assert text[guard.start : guard.end] == "{{- if .Values.rbac.sccEnabled }}"


@pytest.mark.parametrize(
    "text",
    [
        # an else branch renders something when the switch is off
        "{{- if .Values.a }}\n" + BODY + "{{- else }}\n" + BODY + "{{- end }}\n",
        # the if closes before the end of the file
        "{{- if .Values.a }}\nlabels: {}\n{{- end }}\n" + BODY,
        # something is rendered before the if
        "kind: ConfigMap\n{{- if .Values.a }}\nx: 1\n{{- end }}\n",
        # the first action is not an if
        "{{- $name := .Release.Name }}\n{{- if .Values.a }}\n" + BODY + "{{- end }}\n",
        # not closed
        "{{- if .Values.a }}\n" + BODY,
        "",
    ],
)
def test_no_guard_when_the_if_does_not_wrap_the_whole_file(text: str) -> None:
    assert guards.find_guard(text) is None


def test_nested_blocks_and_braces_in_strings_do_not_end_the_guard_early() -> None:
    text = (
        '{{- if and .Values.a (eq .Values.mode "}}") }}\n'
        "{{- range .Values.items }}\n- {{ . }}\n{{- end }}\n"
        "{{- with .Values.extra }}\nx: {{ . }}\n{{- end }}\n"
        "{{- end }}\n"
    )
    guard = guards.find_guard(text)
    assert guard is not None
    assert guard.condition == guards.Call(
        "and", (guards.Values(("a",)), guards.Call("eq", (guards.Values(("mode",)), guards.Literal("}}"))))
    )


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        (".Values.a.enabled", {}, None),
        (".Values.a.enabled", {"a": {"enabled": True}}, True),
        (".Values.a.enabled", {"a": {"enabled": ""}}, ""),
        ("$.Values.a", {"a": [1]}, [1]),
        ("and .Values.a .Values.b", {"a": True, "b": False}, False),
        ("or .Values.a .Values.b", {"a": 0, "b": "x"}, True),
        ("not .Values.a", {"a": {}}, True),
        ('eq .Values.kind "openshift"', {"kind": "openshift"}, True),
        ('ne .Values.kind "openshift"', {"kind": "openshift"}, False),
        ('.Capabilities.APIVersions.Has "security.openshift.io/v1"', {}, False),
        ('.Capabilities.APIVersions.Has "policy/v1"', {}, guards.UNKNOWN),
        ('and (.Capabilities.APIVersions.Has "policy/v1") .Values.pdb', {}, False),
        ('and (.Capabilities.APIVersions.Has "policy/v1") .Values.pdb', {"pdb": True}, guards.UNKNOWN),
        ('include "chart.enabled" .', {}, guards.UNKNOWN),
        (".Values.a | default true", {}, guards.UNKNOWN),
    ],
)
def test_conditions_evaluate_with_go_template_truthiness(condition: str, values: dict[str, Any], expected: Any) -> None:
    assert guards.evaluate(guards.parse(condition), values) == expected


@pytest.mark.parametrize(
    ("condition", "values", "apis"),
    [
        (".Values.rbac.sccEnabled", ((("rbac", "sccEnabled"), True),), ()),
        ("and .Values.a .Values.b.c", (((("a",), True)), (("b", "c"), True)), ()),
        ("not .Values.disabled", ((("disabled",), False),), ()),
        ('eq .Values.platform "openshift"', ((("platform",), "openshift"),), ()),
        (
            'or (.Capabilities.APIVersions.Has "security.openshift.io/v1") .Values.forceScc',
            ((("forceScc",), True),),
            (),
        ),
        (
            'and (.Capabilities.APIVersions.Has "security.openshift.io/v1") .Values.scc',
            ((("scc",), True),),
            ("security.openshift.io/v1",),
        ),
    ],
)
def test_switching_a_condition_on(condition: str, values: Any, apis: tuple[str, ...]) -> None:
    assert guards.switch_on(guards.parse(condition)) == guards.SwitchOn(tuple(sorted(values)), apis)


@pytest.mark.parametrize(
    "condition",
    ["and .Values.a (not .Values.a)", 'include "x" .', 'ne .Values.a "b"', "false", "not (eq .Values.a 1)"],
)
def test_conditions_that_cannot_be_switched_on(condition: str) -> None:
    assert guards.switch_on(guards.parse(condition)) is None


def test_capability_checks_are_answered_only_in_the_guard() -> None:
    text = (
        '{{- if and (.Capabilities.APIVersions.Has "security.openshift.io/v1") .Values.scc }}\n'
        'x: {{ .Capabilities.APIVersions.Has "security.openshift.io/v1" }}\n{{- end }}\n'
    )
    guard = guards.find_guard(text)
    assert guard is not None
    assert guards.answer_apis(text, guard, ("security.openshift.io/v1",)) == (
        "{{- if and (true) .Values.scc }}\n"
        'x: {{ .Capabilities.APIVersions.Has "security.openshift.io/v1" }}\n{{- end }}\n'
    )


# -- the extra render roots --------------------------------------------------------------------

CHART = "apiVersion: v2\nname: app\nversion: 1.0.0\n"
PDB = """\
{{- if .Values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  minAvailable: MIN
  selector: {matchLabels: {app: app}}
{{- end }}
"""
CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata: {a: 'VALUE'}\n"


def load_both(tmp_path: Path, base: dict[str, str], head: dict[str, str]) -> dict[Side, LoadResult]:
    write_tree(tmp_path / "base", base)
    write_tree(tmp_path / "head", head)
    snaps = {Side.BASE: FolderSnapshot(tmp_path / "base"), Side.HEAD: FolderSnapshot(tmp_path / "head")}
    out = {}
    for side, other in ((Side.BASE, Side.HEAD), (Side.HEAD, Side.BASE)):
        ctx = LoadContext(snaps[side], side, ParseCache(), other=snaps[other])
        out[side] = HelmHandler().load(Unit(KIND, "app"), ctx)
    return out


def rendered(result: LoadResult) -> list[tuple[str, str]]:
    return sorted((o.type, o.origin.unit) for o in result.objects if o.family == "kubernetes")


def tree(values: str, pdb_min: str, config: str = "x", ci: str | None = None) -> dict[str, str]:
    files = {
        "app/Chart.yaml": CHART,
        "app/values.yaml": values,
        "app/templates/pdb.yaml": PDB.replace("MIN", pdb_min),
        "app/templates/config.yaml": CONFIG.replace("VALUE", config),
    }
    if ci is not None:
        files["app/ci/prod-values.yaml"] = ci
    return files


@needs_renderer
def test_a_changed_template_off_everywhere_renders_once_more_on_both_sides_with_its_switch_on(
    tmp_path: Path,
) -> None:
    loaded = load_both(
        tmp_path,
        tree("pdb: {enabled: false}\n", "2", ci="replicas: 3\n"),
        tree("pdb: {enabled: false}\n", "1", config="y", ci="replicas: 3\n"),
    )
    for side in (Side.BASE, Side.HEAD):
        assert rendered(loaded[side]) == [
            ("ConfigMap", "app"),
            ("ConfigMap", "app@ci/prod-values.yaml"),
            # only the guarded template's objects come from the extra root
            ("PodDisruptionBudget", "app@switch:pdb.enabled=true"),
        ]
        pdb = next(o for o in loaded[side].objects if o.type == "PodDisruptionBudget")
        assert pdb.label == (
            "PodDisruptionBudget default/app (app, rendered with pdb.enabled=true; no values file renders it)"
        )
        assert loaded[side].notices == []
    # the extra root is not an environment: no values object of its own
    assert sorted(o.origin.unit for o in loaded[Side.HEAD].objects if o.family == "helm-values") == [
        "app",
        "app@ci/prod-values.yaml",
    ]


@needs_renderer
def test_no_extra_root_when_some_values_file_switches_the_template_on(tmp_path: Path) -> None:
    loaded = load_both(
        tmp_path,
        tree("pdb: {enabled: false}\n", "2", ci="pdb: {enabled: true}\n"),
        tree("pdb: {enabled: false}\n", "1", ci="pdb: {enabled: true}\n"),
    )
    assert rendered(loaded[Side.HEAD]) == [
        ("ConfigMap", "app"),
        ("ConfigMap", "app@ci/prod-values.yaml"),
        ("PodDisruptionBudget", "app@ci/prod-values.yaml"),
    ]


@needs_renderer
def test_no_extra_root_or_notice_when_the_base_renders_the_template_and_the_head_switches_it_off(
    tmp_path: Path,
) -> None:
    loaded = load_both(tmp_path, tree("pdb: {enabled: true}\n", "2"), tree("pdb: {enabled: false}\n", "1"))
    assert rendered(loaded[Side.BASE]) == [("ConfigMap", "app"), ("PodDisruptionBudget", "app")]
    assert rendered(loaded[Side.HEAD]) == [("ConfigMap", "app")]
    assert loaded[Side.BASE].notices == loaded[Side.HEAD].notices == []


@needs_renderer
def test_no_extra_root_for_an_unchanged_template(tmp_path: Path) -> None:
    loaded = load_both(tmp_path, tree("pdb: {enabled: false}\n", "2"), tree("pdb: {enabled: false}\n", "2", "y"))
    assert rendered(loaded[Side.BASE]) == rendered(loaded[Side.HEAD]) == [("ConfigMap", "app")]


@needs_renderer
def test_a_guard_that_cannot_be_switched_on_is_named_in_a_notice(tmp_path: Path) -> None:
    contradiction = PDB.replace(".Values.pdb.enabled", "and .Values.pdb (not .Values.pdb)")
    base = {**tree("{}\n", "2"), "app/templates/pdb.yaml": contradiction.replace("MIN", "2")}
    head = {**tree("{}\n", "1"), "app/templates/pdb.yaml": contradiction.replace("MIN", "1")}
    loaded = load_both(tmp_path, base, head)
    assert rendered(loaded[Side.HEAD]) == [("ConfigMap", "app")]
    for side in (Side.BASE, Side.HEAD):
        assert [(n.kind, n.path, n.message) for n in loaded[side].notices] == [
            (
                NoticeKind.DEGRADED,
                "app/templates/pdb.yaml",
                "changed template renders nothing with any values file, and its condition "
                "(and .Values.pdb (not .Values.pdb)) cannot be switched on offline: not verified",
            )
        ]


@needs_renderer
def test_a_guard_that_cannot_be_read_is_named_in_a_notice_when_the_head_renders_nothing(tmp_path: Path) -> None:
    opaque = PDB.replace(".Values.pdb.enabled", 'include "app.pdb" .')
    helpers = '{{- define "app.pdb" -}}{{- end -}}\n'
    base = {**tree("{}\n", "2"), "app/templates/pdb.yaml": opaque.replace("MIN", "2"), "app/templates/_h.tpl": helpers}
    head = {**tree("{}\n", "1"), "app/templates/pdb.yaml": opaque.replace("MIN", "1"), "app/templates/_h.tpl": helpers}
    loaded = load_both(tmp_path, base, head)
    assert rendered(loaded[Side.HEAD]) == [("ConfigMap", "app")]
    assert [(n.kind, n.path, n.message) for n in loaded[Side.HEAD].notices] == [
        (
            NoticeKind.DEGRADED,
            "app/templates/pdb.yaml",
            "changed template renders nothing with any values file, and what guards it could not be read: "
            "its change is not verified",
        )
    ]
    assert loaded[Side.BASE].notices == []


@needs_renderer
def test_an_extra_root_that_fails_to_render_is_a_notice_not_a_finding(tmp_path: Path) -> None:
    failing = PDB.replace("minAvailable: MIN", 'minAvailable: {{ required "pdb.min is required" .Values.pdb.min }}')
    base = {**tree("pdb: {enabled: false}\n", "2"), "app/templates/pdb.yaml": failing}
    head = {**tree("pdb: {enabled: false}\n", "2"), "app/templates/pdb.yaml": failing.replace("spec:", "spec: # v2")}
    loaded = load_both(tmp_path, base, head)
    assert rendered(loaded[Side.HEAD]) == [("ConfigMap", "app")]
    assert loaded[Side.HEAD].errors == []
    [notice] = loaded[Side.HEAD].notices
    assert notice.kind is NoticeKind.DEGRADED
    assert notice.path == "app/templates/pdb.yaml"
    assert notice.message.startswith("chart not rendered with values.yaml with pdb.enabled=true: ")
    assert "pdb.min is required" in notice.message
    assert notice.message.endswith("; not verified")
