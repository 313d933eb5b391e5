"""Matrix expansion and entry pairing: raw version text, include/exclude, pre-releases."""

from __future__ import annotations

from regress.kinds.github.handler import parse_matrix
from regress.rules.ci.helpers import kept, matrix_context, release_of
from regress.yamlload import load_text


def _matrix(text: str) -> frozenset[tuple[tuple[str, str], ...]]:
    doc = load_text(text).documents[0]
    m = parse_matrix(doc)
    assert m is not None and not m.dynamic
    return m.combos


def test_versions_stay_raw_text() -> None:
    combos = _matrix("matrix:\n  python: [3.9, 3.10]\n")
    assert combos == {(("python", "3.9"),), (("python", "3.10"),)}


def test_include_and_exclude() -> None:
    combos = _matrix(
        "matrix:\n  os: [a, b]\n  py: ['1', '2']\n  exclude: [{os: b, py: '1'}]\n"
        "  include: [{os: a, extra: x}, {os: c, py: '3'}]\n"
    )
    assert combos == {
        (("extra", "x"), ("os", "a"), ("py", "1")),
        (("extra", "x"), ("os", "a"), ("py", "2")),
        (("os", "b"), ("py", "2")),
        (("os", "c"), ("py", "3")),
    }


def test_include_follows_githubs_documented_expansion() -> None:
    # The example of GitHub's "Expanding or adding matrix configurations": a key that is no axis
    # goes into every combination (and a later entry may replace it), an entry that would change
    # an original value of every combination is a combination of its own.
    combos = _matrix(
        "matrix:\n  fruit: [apple, pear]\n  animal: [cat, dog]\n  include:\n"
        "    - color: green\n    - color: pink\n      animal: cat\n"
        "    - fruit: apple\n      shape: circle\n    - fruit: banana\n"
        "    - fruit: banana\n      animal: cat\n"
    )
    assert combos == {
        (("animal", "cat"), ("color", "pink"), ("fruit", "apple"), ("shape", "circle")),
        (("animal", "dog"), ("color", "green"), ("fruit", "apple"), ("shape", "circle")),
        (("animal", "cat"), ("color", "pink"), ("fruit", "pear")),
        (("animal", "dog"), ("color", "green"), ("fruit", "pear")),
        (("fruit", "banana"),),
        (("animal", "cat"), ("fruit", "banana")),
    }


def test_an_include_of_new_keys_only_extends_the_one_combination() -> None:
    combos = _matrix(
        "matrix:\n  os: [windows-2022]\n  arch: [x64]\n  include:\n    - platform: x86_64\n      packages: gcc\n"
    )
    assert combos == {(("arch", "x64"), ("os", "windows-2022"), ("packages", "gcc"), ("platform", "x86_64"))}


def test_dynamic_matrix() -> None:
    doc = load_text("matrix: ${{ fromJSON(needs.plan.outputs.m) }}\n").documents[0]
    m = parse_matrix(doc)
    assert m is not None and m.dynamic


def test_pre_release_pairs_with_its_final_release() -> None:
    assert release_of("3.14-dev") == "3.14"
    assert release_of("3.13.0-rc.2") == "3.13"
    assert release_of("3.14") is None
    assert release_of("pypy3.10") is None
    assert kept((("python", "3.14-dev"),), [(("python", "3.14"),)])
    assert kept((("python", "3.12"),), [(("experimental", "false"), ("python", "3.12"))])
    assert not kept((("python", "3.12"),), [(("python", "3.13"),)])
    assert not kept((("python", "3.14"),), [(("python", "3.14-dev"),)])


def test_mapping_values_become_one_axis_per_field() -> None:
    combos = _matrix(
        "matrix:\n  config: [{go: '1.25', os: ubuntu-latest}, {go: '1.24', os: windows-latest}]\n"
        "  race: [true]\n  exclude: [{config: {go: '1.24', os: windows-latest}}]\n"
        "  include: [{config: {go: '1.23', os: macos-latest}, extra: x}]\n"
    )
    assert combos == {
        (("config.go", "1.25"), ("config.os", "ubuntu-latest"), ("race", "true")),
        (("config.go", "1.23"), ("config.os", "macos-latest"), ("extra", "x")),
    }


def test_matrix_context_nests_the_fields_of_a_mapping_value() -> None:
    context = matrix_context((("config.os", "ubuntu-latest"), ("config.canonical", "true"), ("go", "1.25")))
    assert context == {
        "__default__": None,
        "config": {"__default__": None, "os": "ubuntu-latest", "canonical": True},
        "go": "1.25",
    }


def test_a_range_from_a_pre_release_to_its_release_is_that_release() -> None:
    assert release_of("3.12.0-beta.3 - 3.12") == "3.12"
    assert release_of("3.14.0-alpha.1 - 3.14.0") == "3.14"
    assert release_of("3.11 - 3.12") is None
    assert release_of("3.12.0-beta.3 - 3.13") is None
    assert kept((("python", "3.12.0-beta.3 - 3.12"),), [(("python", "3.12"),)])
