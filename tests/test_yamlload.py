"""YAML loading: what libyaml refuses but YAML 1.2 and Go's yaml.v3 read."""

from __future__ import annotations

import pytest

from regress.yamlload import LoadError, YList, YMap, load_text


def test_colons_inside_flow_collections_are_plain_scalars_with_their_lines() -> None:
    loaded = load_text("a: 1\nports: [ 8000:8000, 127.0.0.1:53:53/udp ]\nmap: {x:y}\nref: &p [1:2]\nagain: *p\n")
    doc = loaded.documents[0]
    assert doc == {
        "a": 1,
        "ports": ["8000:8000", "127.0.0.1:53:53/udp"],
        "map": {"x:y": None},
        "ref": ["1:2"],
        "again": ["1:2"],
    }
    assert isinstance(doc, YMap) and isinstance(doc["ports"], YList)
    assert doc.key_lines == {"a": 0, "ports": 1, "map": 2, "ref": 3, "again": 4}


def test_the_fallback_still_refuses_broken_yaml() -> None:
    with pytest.raises(LoadError) as err:
        load_text("ports: [ 8000:8000\nimage: x\n")
    assert err.value.message.startswith("invalid YAML: ")
