"""Fuzzing the YAML loader and the model builders: whatever the bytes, no exception escapes.

The loader may only refuse input with ``LoadError``; the handlers (which build the model objects)
may only return objects, notices and unit errors; a whole run may only return a report. Time is
bounded by construction (alias expansion budget, nesting limit, size limit), and the tests below
check that those bounds refuse the input rather than time it.

Examples are derandomised so the suite is reproducible; ``REGRESS_FUZZ=1`` draws fresh random
examples, and more of them, for a longer local session.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regress.engine import analyze
from regress.kinds.base import LoadContext, ParseCache, Unit
from regress.kinds.github.handler import GitHubActionsHandler
from regress.kinds.kubernetes.handler import KubernetesHandler
from regress.model import Side
from regress.source.folder import FolderSnapshot, diff_folders
from regress.yamlload import MAX_DEPTH, LoadError, YList, YMap, load_bytes, load_text
from tests.gitrepo import write_tree

FUZZ = os.environ.get("REGRESS_FUZZ") == "1"
FUZZ_SETTINGS = settings(
    max_examples=1000 if FUZZ else 150,
    derandomize=not FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

# -- strategies -------------------------------------------------------------------------------

#: Characters that matter to YAML's grammar, so random text exercises the parser, not just scalars.
YAML_CHARS = st.sampled_from([*"abcxyz019 -:,[]{}&*!|>'\"#%@`?\n\t.~=<\\", "  ", "\n  ", "\n- ", ": ", "\u00e9"])
yamlish_text = st.lists(YAML_CHARS, max_size=300).map("".join)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["on", "yes", "no", "010", "0o17", "0x1F", "3.10", "1e3", ".inf", "~", "null", "<<", "*a", "&a"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.text(max_size=12), st.integers(), st.booleans()), inner, max_size=5),
    ),
    max_leaves=40,
)


def to_yaml(value: Any, indent: int = 0) -> str:
    """A block/flow YAML rendering good enough to reach the loader and builders with odd shapes."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "\n" + "\n".join(f"{pad}{_key(k)}: {to_yaml(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return "[]"
        return "\n" + "\n".join(f"{pad}- {to_yaml(v, indent + 2).lstrip()}" for v in value)
    return _scalar(value)


def _key(k: Any) -> str:
    return _scalar(k)


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


#: Shapes the Kubernetes and GitHub builders look into, with random values in every slot.
k8s_docs = st.fixed_dictionaries(
    {
        "apiVersion": st.sampled_from(
            ["apps/v1", "v1", "batch/v1", "policy/v1", "autoscaling/v2", "monitoring.coreos.com/v1"]
        ),
        "kind": st.sampled_from(
            [
                "Deployment",
                "StatefulSet",
                "DaemonSet",
                "CronJob",
                "Pod",
                "Service",
                "HorizontalPodAutoscaler",
                "PodDisruptionBudget",
                "ServiceMonitor",
                "List",
                "NetworkPolicy",
                "Role",
            ]
        ),
        "metadata": st.one_of(values, st.fixed_dictionaries({"name": st.text(max_size=8), "namespace": values})),
    },
    optional={
        "spec": st.one_of(
            values,
            st.fixed_dictionaries(
                {
                    "replicas": values,
                    "template": st.one_of(
                        values, st.fixed_dictionaries({"spec": st.fixed_dictionaries({"containers": values})})
                    ),
                    "scaleTargetRef": values,
                }
            ),
        ),
        "items": values,
    },
)
workflow_docs = st.fixed_dictionaries(
    {"on": values, "jobs": st.one_of(values, st.dictionaries(st.text(max_size=6), values, max_size=3))},
    optional={
        "permissions": values,
        "name": values,
        "defaults": values,
        "concurrency": values,
    },
).map(
    lambda d: {
        **d,
        "jobs": {
            k: ({"steps": v, "runs-on": "ubuntu", "strategy": v, "needs": v, "continue-on-error": v} if i % 2 else v)
            for i, (k, v) in enumerate(d["jobs"].items())
        }
        if isinstance(d["jobs"], dict)
        else d["jobs"],
    }
)
step_lists = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "run": st.one_of(st.text(max_size=60), values),
            "uses": st.one_of(
                st.sampled_from(["actions/checkout@v4", "./local", "docker://x", "a/b@" + "0" * 40]), values
            ),
            "with": values,
            "continue-on-error": values,
            "if": values,
            "shell": values,
            "id": values,
            "name": values,
        },
    ),
    max_size=4,
)


# -- the loader -------------------------------------------------------------------------------


def _load_or_refuse(data: bytes) -> None:
    try:
        loaded = load_bytes(data)
    except LoadError as exc:
        assert exc.message
        assert exc.line is None or exc.line >= 1
        return
    assert len(loaded.documents) == len(loaded.document_lines)


@FUZZ_SETTINGS
@given(st.binary(max_size=400))
def test_loader_on_arbitrary_bytes(data: bytes) -> None:
    _load_or_refuse(data)


@FUZZ_SETTINGS
@given(yamlish_text)
def test_loader_on_yaml_like_text(text: str) -> None:
    _load_or_refuse(text.encode("utf-8"))


@FUZZ_SETTINGS
@given(values, st.data())
def test_loader_on_mutated_valid_yaml(value: Any, data: st.DataObject) -> None:
    text = to_yaml(value)
    _load_or_refuse(text.encode())
    if text:
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 5)))
        junk = data.draw(yamlish_text)
        _load_or_refuse((text[:i] + junk[:8] + text[j:]).encode())


@FUZZ_SETTINGS
@given(st.sampled_from(["utf-16", "latin-1", "cp1252", "utf-32"]), st.text(min_size=1, max_size=50))
def test_loader_on_other_encodings(encoding: str, text: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    _load_or_refuse(data)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,
        "{a: " * 50_000,
        "".join(" " * i + "- \n" for i in range(0, 3000, 1)),
        "- " * 50_000 + "x",
        "a:\n" + "".join(" " * (2 * i) + "b:\n" for i in range(1, 2000)),
    ],
    ids=["flow-seq", "flow-map", "indent-seq", "compact-seq", "indent-map"],
)
def test_deep_nesting_is_refused(text: str) -> None:
    with pytest.raises(LoadError) as info:
        load_text(text)
    assert "nesting deeper than" in info.value.message or "invalid YAML" in info.value.message


def test_nesting_up_to_the_limit_loads() -> None:
    loaded = load_text("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    depth, node = 0, loaded.documents[0]
    while isinstance(node, list) and node:
        node, depth = node[0], depth + 1
    assert depth == MAX_DEPTH - 2


def billion_laughs(levels: int, width: int = 10) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [7, 9, 12])
def test_alias_bombs_are_refused(levels: int) -> None:
    with pytest.raises(LoadError, match="alias bomb"):
        load_text(billion_laughs(levels))


def test_honest_anchor_reuse_loads() -> None:
    loaded = load_text(billion_laughs(4))
    assert len(loaded.documents[0]["a3"]) == 10


@pytest.mark.parametrize("size", [1 << 20, 8 << 20])
def test_huge_scalars_load(size: int) -> None:
    loaded = load_text("key: " + "x" * size + "\nother: 1\n")
    doc = loaded.documents[0]
    assert len(doc["key"]) == size and doc["other"] == 1


# -- the model builders -----------------------------------------------------------------------


def _ctx(root: Path) -> LoadContext:
    return LoadContext(FolderSnapshot(root), Side.HEAD, ParseCache())


def _assert_loads_cleanly(handler: Any, root: Path, path: str) -> None:
    result = handler.load(Unit(handler.kind, path), _ctx(root))
    for obj in result.objects:
        assert obj.identity.startswith(f"{obj.family}:")
        obj.locate((), Side.HEAD)  # the source map must not fail either
    for err in result.errors:
        assert err.message


@FUZZ_SETTINGS
@given(st.lists(st.one_of(k8s_docs, values), min_size=1, max_size=3))
def test_kubernetes_builder_on_wrong_types(tmp_path_factory: pytest.TempPathFactory, docs: list[Any]) -> None:
    root = tmp_path_factory.mktemp("k8s")
    text = "\n---\n".join(to_yaml(d) for d in docs)
    write_tree(root, {"m.yaml": text})
    _assert_loads_cleanly(KubernetesHandler(), root, "m.yaml")


@FUZZ_SETTINGS
@given(workflow_docs, step_lists)
def test_github_builder_on_wrong_types(
    tmp_path_factory: pytest.TempPathFactory, doc: dict[str, Any], steps: Any
) -> None:
    root = tmp_path_factory.mktemp("gha")
    if isinstance(doc.get("jobs"), dict):
        doc["jobs"]["fuzzed"] = {"runs-on": "ubuntu-latest", "steps": steps}
    write_tree(
        root,
        {
            ".github/workflows/ci.yml": to_yaml(doc),
            "local/action.yml": to_yaml({"runs": {"using": "composite", "steps": steps}}),
        },
    )
    _assert_loads_cleanly(GitHubActionsHandler(), root, ".github/workflows/ci.yml")
    _assert_loads_cleanly(GitHubActionsHandler(), root, "local/action.yml")


@FUZZ_SETTINGS
@given(
    st.lists(st.one_of(k8s_docs, values), min_size=1, max_size=2),
    st.lists(st.one_of(k8s_docs, values), min_size=1, max_size=2),
    workflow_docs,
    workflow_docs,
)
def test_whole_run_on_random_sides(
    tmp_path_factory: pytest.TempPathFactory, base_k8s: list[Any], head_k8s: list[Any], base_wf: Any, head_wf: Any
) -> None:
    root = tmp_path_factory.mktemp("run")
    write_tree(
        root / "base",
        {"k/m.yaml": "\n---\n".join(map(to_yaml, base_k8s)), ".github/workflows/w.yml": to_yaml(base_wf)},
    )
    write_tree(
        root / "head",
        {"k/m.yaml": "\n---\n".join(map(to_yaml, head_k8s)), ".github/workflows/w.yml": to_yaml(head_wf)},
    )
    b, h = FolderSnapshot(root / "base"), FolderSnapshot(root / "head")
    report = analyze(b, h, diff_folders(b, h))  # the autouse fixture validates it against the schema
    failed = [f.message for f in report.findings if f.code == "REG002"]
    assert not failed, failed
    broken = [n.message for n in report.notices if n.message.startswith(("internal error", "traceback"))]
    assert not broken, broken


def test_yaml_values_keep_their_lines() -> None:
    doc = load_text("a:\n  b: [1, 2]\n  c:\n    - x\n    - y\n").documents[0]
    assert isinstance(doc, YMap) and doc.key_lines == {"a": 0}
    assert doc["a"].key_lines == {"b": 1, "c": 2}
    assert isinstance(doc["a"]["c"], YList) and doc["a"]["c"].item_lines == [3, 4]


def test_the_libyaml_c_parser_is_in_use() -> None:
    """ruamel.yaml 0.19 installs its C extension only with the ``oldlibyaml`` extra; without it
    regress would not import (``ruamel.yaml.cyaml`` needs ``_ruamel_yaml``)."""
    import _ruamel_yaml
    from ruamel.yaml import cyaml

    from regress import yamlload

    assert cyaml.CParser is _ruamel_yaml.CParser
    assert yamlload.CParser is _ruamel_yaml.CParser
    assert _ruamel_yaml.__file__.endswith((".so", ".pyd"))
    # libyaml's own wording for a syntax error, which the pure-Python parser phrases differently.
    with pytest.raises(LoadError, match="did not find expected"):
        load_text("a: [1, 2\nb: 3\n")
