"""Properties of the keyed diff, with DeepDiff as an independent oracle.

DeepDiff is far too slow for the engine (quadratic with ``ignore_order``), but it is a trusted,
independent differ: on keyed inputs (Kubernetes objects, with their list-map keys turned into
mapping keys) every difference DeepDiff sees must be explained by a change the engine reports.
And the engine must see nothing where nothing changed in meaning: diff(x, x), x with documents,
keys and keyed lists reordered, x reformatted (block vs flow style), x split across files.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from deepdiff import DeepDiff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regress.diff import diff_objects
from regress.kinds.kubernetes.handler import objects_from_documents
from regress.kinds.kubernetes.identity import DIFF, list_key
from regress.model import Change, ModelObject, Route, Status
from regress.yamlload import load_text
from tests.test_fuzz import FUZZ

PROPS = settings(
    max_examples=400 if FUZZ else 80,
    derandomize=not FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- generating Kubernetes-shaped documents ---------------------------------------------------

names = st.sampled_from(["web", "api", "worker", "db", "cache", "edge"])
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-./:", min_size=1, max_size=12)
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 10**12),
    st.sampled_from([0.5, 1.25, -3.5]),
    words,
    st.sampled_from(["on", "yes", "010", "3.10", "true", ""]),
)
free = st.recursive(
    leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(words, inner, max_size=4)),
    max_leaves=15,
)
env_lists = st.lists(st.fixed_dictionaries({"name": words, "value": words}), max_size=4, unique_by=lambda e: e["name"])
containers = st.lists(
    st.fixed_dictionaries(
        {"name": words, "image": words},
        optional={"env": env_lists, "args": st.lists(words, max_size=3), "resources": free, "securityContext": free},
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda c: c["name"],
)
deployments = st.builds(
    lambda name, ns, replicas, labels, ctrs, extra: {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": ctrs, "extra": extra}}},
    },
    names,
    st.sampled_from(["prod", "stage"]),
    st.integers(0, 20),
    st.dictionaries(words, words, max_size=3),
    containers,
    free,
)
object_sets = st.lists(
    deployments, min_size=1, max_size=4, unique_by=lambda d: (d["metadata"]["name"], d["metadata"]["namespace"])
)


def block(value: Any, indent: int = 0) -> str:
    """Block-style YAML (the flow style is JSON, which is YAML 1.2)."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        return "\n" + "\n".join(f"{pad}{json.dumps(k)}: {block(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list) and value:
        return "\n" + "\n".join(f"{pad}- {block(v, indent + 2).lstrip()}" for v in value)
    return json.dumps(value)


def objects(files: dict[str, list[dict[str, Any]]], flow: bool = False) -> list[ModelObject]:
    out: list[ModelObject] = []
    for path, docs in files.items():
        text = "\n---\n".join(json.dumps(d) if flow else block(d) for d in docs)
        loaded = load_text(text)
        out.extend(objects_from_documents(loaded.documents, path, "kubernetes", "", loaded.document_lines))
    return out


def changes(base: dict[str, list[dict[str, Any]]], head: dict[str, list[dict[str, Any]]], **kw: Any) -> list[Change]:
    return diff_objects(objects(base), objects(head, **kw), DIFF)


def reordered(value: Any) -> Any:
    """Mapping keys reversed, and keyed lists (containers, env, …) reversed; other lists kept."""
    return _reorder(value, ())


def _reorder(value: Any, route: Route) -> Any:
    if isinstance(value, dict):
        return {k: _reorder(value[k], (*route, k)) for k in reversed(list(value))}
    if isinstance(value, list):
        items = [_reorder(v, (*route, i)) for i, v in enumerate(value)]
        return list(reversed(items)) if list_key(route, value) is not None else items
    return value


# -- the properties ---------------------------------------------------------------------------


@PROPS
@given(object_sets)
def test_diff_of_x_with_itself_is_empty(docs: list[dict[str, Any]]) -> None:
    assert changes({"all.yaml": docs}, {"all.yaml": copy.deepcopy(docs)}) == []


@PROPS
@given(object_sets)
def test_diff_of_x_reordered_is_empty(docs: list[dict[str, Any]]) -> None:
    shuffled = [reordered(d) for d in reversed(docs)]
    assert changes({"all.yaml": docs}, {"all.yaml": shuffled}) == []


@PROPS
@given(object_sets)
def test_diff_of_x_reformatted_is_empty(docs: list[dict[str, Any]]) -> None:
    assert changes({"all.yaml": docs}, {"all.yaml": docs}, flow=True) == []


@PROPS
@given(object_sets, st.data())
def test_diff_of_x_split_across_files_is_only_moves(docs: list[dict[str, Any]], data: st.DataObject) -> None:
    files: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        files.setdefault(data.draw(st.sampled_from(["all.yaml", "a/one.yaml", "b/two.yaml"])), []).append(d)
    got = changes({"all.yaml": docs}, files)
    assert all(c.status is Status.MOVED and not c.attrs for c in got)
    moved = {c.obj.identity for c in got}
    assert moved == {o.identity for o in objects(files) if o.origin.path != "all.yaml"}


# -- DeepDiff as the oracle -------------------------------------------------------------------


def keyed(value: Any, route: Route = ()) -> Any:
    """The engine's view of a body as plain data: keyed lists become mappings, noise is dropped."""
    if isinstance(value, dict):
        return {k: keyed(v, (*route, k)) for k, v in value.items() if not DIFF.ignore((*route, k))}
    if isinstance(value, list):
        key = list_key(route, value)
        if key is not None:
            return {f"[{key(v)}]": keyed(v, (*route, f"[{key(v)}]")) for v in value}
        return [keyed(v, (*route, i)) for i, v in enumerate(value)]
    return value


def oracle_paths(base: list[ModelObject], head: list[ModelObject]) -> list[list[Any]]:
    a = {o.identity: keyed(o.body) for o in base}
    b = {o.identity: keyed(o.body) for o in head}
    # threshold_to_diff_deeper=0: always report item by item, never "the whole mapping changed".
    tree = DeepDiff(a, b, view="tree", threshold_to_diff_deeper=0)
    return [level.path(output_format="list") for levels in tree.values() for level in levels]


def explained(path: list[Any], got: list[Change]) -> bool:
    identity, rest = path[0], tuple(path[1:])
    for c in got:
        ids = {o.identity for o in (c.before, c.after) if o is not None}
        if identity not in ids:
            continue
        if not rest or c.status in (Status.ADDED, Status.REMOVED):
            return True
        for attr in c.attrs:
            n = min(len(attr.route), len(rest))
            if attr.route[:n] == rest[:n]:
                return True
    return False


def _containers_of(doc: dict[str, Any]) -> list[Any]:
    """The containers list, or [] once an earlier mutation replaced part of the path."""
    node: Any = doc
    for step in ("spec", "template", "spec", "containers"):
        if not isinstance(node, dict) or step not in node:
            return []
        node = node[step]
    return [c for c in node if isinstance(c, dict)] if isinstance(node, list) else []


MUTATIONS = ("set-leaf", "drop-key", "add-key", "drop-container", "add-env", "rename", "drop-object", "add-object")


def mutate(docs: list[dict[str, Any]], data: st.DataObject) -> list[dict[str, Any]]:
    out = copy.deepcopy(docs)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(MUTATIONS))
        doc = data.draw(st.sampled_from(out)) if out else None
        if op == "add-object" or doc is None:
            new = data.draw(deployments)
            if all(
                (new["metadata"]["name"], new["metadata"]["namespace"])
                != (d["metadata"]["name"], d["metadata"]["namespace"])
                for d in out
            ):
                out.append(new)
        elif op == "drop-object":
            out.remove(doc)
        elif op == "rename":
            doc["metadata"]["name"] = data.draw(words)
        elif op == "drop-container" and len(_containers_of(doc)) > 1:
            doc["spec"]["template"]["spec"]["containers"].remove(data.draw(st.sampled_from(_containers_of(doc))))
        elif op == "add-env" and _containers_of(doc):
            ctr = data.draw(st.sampled_from(_containers_of(doc)))
            env = ctr.setdefault("env", [])
            if isinstance(env, list):
                env.append({"name": data.draw(words), "value": data.draw(words)})
        else:
            containers_ = [n for n in _walk(doc) if isinstance(n, dict) and n]
            if not containers_:
                continue
            node = data.draw(st.sampled_from(containers_))
            key = data.draw(st.sampled_from(sorted(node, key=str)))
            if op == "set-leaf":
                node[key] = data.draw(leaf)
            elif op == "drop-key" and key not in ("apiVersion", "kind", "metadata", "name"):
                del node[key]
            elif op == "add-key":
                node[data.draw(words)] = data.draw(free)
    return out


def _walk(value: Any) -> list[Any]:
    out = [value]
    if isinstance(value, dict):
        for v in value.values():
            out.extend(_walk(v))
    elif isinstance(value, list):
        for v in value:
            out.extend(_walk(v))
    return out


@PROPS
@given(object_sets, st.data())
def test_every_change_deepdiff_sees_is_explained(docs: list[dict[str, Any]], data: st.DataObject) -> None:
    head_docs = mutate(docs, data)
    base = objects({"all.yaml": docs})
    head = objects({"all.yaml": head_docs})
    got = diff_objects(base, head, DIFF)
    unexplained = [p for p in oracle_paths(base, head) if not explained(p, got)]
    assert not unexplained, (unexplained, got)
    if not oracle_paths(base, head):
        assert all(c.status is Status.MOVED for c in got)


def test_the_oracle_catches_an_engine_that_misses_a_change() -> None:
    docs = [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "prod"},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "app", "image": "a"}]}}},
        }
    ]
    head = copy.deepcopy(docs)
    head[0]["spec"]["template"]["spec"]["containers"][0]["image"] = "b"
    paths = oracle_paths(objects({"x.yaml": docs}), objects({"x.yaml": head}))
    assert paths == [
        ["kubernetes:apps/Deployment/prod/web", "spec", "template", "spec", "containers", "[app]", "image"]
    ]
    assert not explained(paths[0], [])
    got = diff_objects(objects({"x.yaml": docs}), objects({"x.yaml": head}), DIFF)
    assert explained(paths[0], got)
