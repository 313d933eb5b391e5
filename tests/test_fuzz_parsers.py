"""Fuzzing the HCL and Dockerfile paths and the readers of test files (Rust's among them) and
lint settings: broken syntax, heredocs, deep nesting and non-UTF-8 input are returned as errors
or read as nothing; no exception escapes the handlers or the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regress.engine import analyze
from regress.kinds.ci.lint_flags import UNLIMITED, strictest, warning_limits
from regress.kinds.dockerfile.model import build as build_dockerfile
from regress.kinds.dockerfile.parser import parse as parse_dockerfile
from regress.kinds.gates import lint_baselines, test_skips
from regress.kinds.gates.comments import Language, blanked
from regress.kinds.terraform import hcl
from regress.kinds.terraform.evaluate import Scope, evaluate
from regress.source.folder import FolderSnapshot, diff_folders

HCL_PIECES = st.sampled_from(
    [
        'resource "aws_s3_bucket" "b" {',
        "}",
        "{",
        "[",
        "]",
        " = ",
        "x",
        "var.a",
        '"${var.x}"',
        '"unterminated',
        "<<EOF\nbody ${x}\nEOF\n",
        "<<-EOT\n  a\n  EOT\n",
        "<<EOF\nnever closed",
        'dynamic "d" { for_each = x content {} }',
        "a ? b : c",
        "f(1, 2...)",
        "[for a in b : a]",
        "1e3",
        "-",
        "\n",
        "# c\n",
        "/* c",
        "%{ if a }x%{ endif }",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HCL_PIECES, max_size=40))
def test_hcl_pieces_never_raise(pieces: list[str]) -> None:
    text = " ".join(pieces)
    parsed = hcl.parse(text)
    for block in parsed.body.blocks:
        for a in block.body.attributes:
            evaluate(a.expr, Scope())
    for a in parsed.body.attributes:
        hcl.render(a.expr)
        evaluate(a.expr, Scope())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HCL_PIECES, max_size=30), st.lists(HCL_PIECES, max_size=30), st.randoms(use_true_random=False))
def test_hcl_other_side_of_a_file_reads_as_a_fresh_parse(base: list[str], extra: list[str], rng: Any) -> None:
    """The second side of a file is parsed reusing the first's blocks (``hcl.Reuse``): broken,
    reordered or wrapped text must neither raise nor read differently from a fresh parse."""
    blocks = ['resource "a" "b" {\n  x = 1\n}\n', 'output "o" {\n  value = var.a\n}\n', "locals {\n  l = 2\n}\n"]
    first = "".join(blocks) + " ".join(base)
    pieces = [*blocks, *extra]
    rng.shuffle(pieces)
    second = "\n".join(pieces)
    reuse = hcl.Reuse()
    hcl.parse(first, reuse, "main.tf")
    assert hcl.parse(second, reuse, "main.tf") == hcl.parse(second)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_hcl_random_text_never_raises(text: str) -> None:
    parsed = hcl.parse(text)
    for a in parsed.body.attributes:
        evaluate(a.expr, Scope())


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=3000))
def test_hcl_deep_nesting_is_refused_not_crashed(depth: int) -> None:
    text = "x = " + "[" * depth + "1" + "]" * depth + "\n" + "a {" * depth + "}" * depth
    parsed = hcl.parse(text)
    for a in parsed.body.attributes:
        evaluate(a.expr, Scope())


DOCKER_PIECES = st.sampled_from(
    [
        "FROM alpine:3.20.3 AS b\n",
        "FROM b\n",
        "FROM ${X}\n",
        "ARG X=y\n",
        "USER ${U}\n",
        "RUN a \\\n",
        "RUN <<EOF\n",
        "EOF\n",
        "RUN curl x | sh\n",
        "HEALTHCHECK NONE\n",
        "HEALTHCHECK CMD x\n",
        "ENV A=1 B\n",
        "ENV A\n",
        "ADD https://x /y\n",
        "EXPOSE 22/tcp\n",
        "# escape=`\n",
        "\\\n",
        "COPY --from=b . .\n",
        'CMD ["a", \n',
        "\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DOCKER_PIECES, max_size=40))
def test_dockerfile_pieces_never_raise(pieces: list[str]) -> None:
    df = parse_dockerfile("".join(pieces))
    build_dockerfile(df, "Dockerfile", "dockerfile")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_dockerfile_random_text_never_raises(text: str) -> None:
    build_dockerfile(parse_dockerfile(text), "Dockerfile", "dockerfile")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200), st.binary(max_size=200))
def test_engine_turns_undecodable_files_into_findings(tmp_path: Path, tf_bytes: bytes, docker_bytes: bytes) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for root in (base, head):
        root.mkdir(exist_ok=True)
    (base / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (base / "Dockerfile").write_text("FROM alpine:3.20.3\n")
    (head / "main.tf").write_bytes(b"\xff\xfe\x00" + tf_bytes)
    (head / "Dockerfile").write_bytes(b"\xc3\x28" + docker_bytes)
    b, h = FolderSnapshot(base), FolderSnapshot(head)
    report = analyze(b, h, diff_folders(b, h))
    assert any(f.name == "unverifiable-file" for f in report.findings)
    assert not any(f.name == "rule-failed" for f in report.findings)


_TEST_PIECES = st.sampled_from(
    [
        "def test_a():\n    pass\n",
        "@pytest.mark.skip\n",
        "class TestX:\n",
        "    def test_b(self):\n        pytest.skip()\n",
        'it("a", () => {',
        'describe.skip("d", () => {',
        "xit(`t`, () => {})",
        "})",
        "/* ",
        "*/",
        "// it.only('x')\n",
        '"',
        "'",
        "`",
        "@Test\n",
        "@Disabled\n",
        "void m() {}\n",
        "fun `x y`() {}\n",
        "class A {\n",
        "}\n",
        "func TestA(t *testing.T) {\n\tt.Skip()\n}\n",
        "#[test]\n",
        '#[ignore = "x"]\n',
        "#[cfg_attr(all(), ignore)]\n",
        "#[cfg(any())]\n",
        "#![cfg(false)]\n",
        "#[tokio::test]\n",
        "fn t() {}\n",
        "async fn u<'a>(x: &'a str) {\n",
        "mod m {\n",
        'r#"',
        '"#',
        'br##"',
        "/* /* ",
        "'{'",
        "'\\u{",
        "#[",
        "]",
        "(",
        "\n",
        "\x00",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEST_PIECES, max_size=30), st.sampled_from(list(Language)))
def test_test_file_readers_never_raise(pieces: list[str], language: Language) -> None:
    """Whatever a test file holds, its tests are read or it is unknown; no exception escapes,
    and every test's line is a line of the file."""
    text = "".join(pieces)
    found = test_skips.read("tests/x", text, language)
    if found is not None:
        lines = text.count("\n") + 1
        assert all(1 <= t.line <= lines for t in found.tests)
        assert blanked(text, language, strings=True).count("\n") == text.count("\n")


_LINT_PIECES = st.sampled_from(
    [
        "npx ",
        "eslint",
        " .",
        " --max-warnings",
        " 0",
        "=",
        "-1",
        " 99999999999999999999",
        " --quiet",
        " next lint",
        " && ",
        " || true",
        "\n",
        "'",
        '"',
        "\\\n",
        " $MAX",
        " pnpm exec",
        "@9",
        "/",
    ]
)


@given(st.lists(_LINT_PIECES, max_size=30))
def test_lint_flag_reader_never_raises(pieces: list[str]) -> None:
    limits = warning_limits("".join(pieces))
    assert all(w.limit >= UNLIMITED for w in limits)
    best = strictest(limits)
    assert best is None or best in limits


_BASELINE_PIECES = st.sampled_from(
    [
        "parameters:\n",
        "\tignoreErrors:\n",
        "\t\t-\n",
        "\t\t\tmessage: '#^x$#'\n",
        "\t\t\tcount: 2\n",
        "count: x\n",
        "\t\t\tidentifier: a.b\n",
        "- message: y\n",
        "$ignoreErrors[] = [",
        "'count' => 3,",
        "'identifier' => 'q',",
        "];\n",
        "'",
        "\\",
        "\n",
        "level: max\n",
        "level: 7 # strict\n",
    ]
)


@given(st.lists(_BASELINE_PIECES, max_size=40))
def test_lint_baseline_readers_never_raise(pieces: list[str]) -> None:
    text = "".join(pieces)
    for checks in (lint_baselines.phpstan_neon(text), lint_baselines.phpstan_php(text)):
        assert checks is None or all(c.entries >= 0 for c in checks.values())
    assert lint_baselines.phpstan_level(text) is None or lint_baselines.phpstan_level(text) >= 0
    assert lint_baselines.eslint_suppressions({"f": {"r": {"count": len(text)}}}, text) == {
        "r": lint_baselines.Check(entries=len(text), line=1)
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("#[]{}()!'\"r#/*\\ \nabfnmodtesignr:,=")), max_size=400))
def test_rust_reader_never_raises_on_random_text(text: str) -> None:
    """Arbitrary Rust-ish text (unterminated raw strings, comments and attributes, stray quotes)
    is read or declares nothing; blanking keeps its length and lines."""
    found = test_skips.read("src/lib.rs", "#[test]\n" + text, Language.RUST)
    if found is not None:
        lines = text.count("\n") + 2
        assert all(1 <= t.line <= lines for t in found.tests)
    out = blanked(text, Language.RUST, strings=True)
    assert len(out) == len(text)
    assert out.count("\n") == text.count("\n")


def test_rust_reader_survives_deep_nesting() -> None:
    """Modules, block comments and cfg predicates nested thousands deep: read without
    recursion errors (a predicate past the evaluator's depth is unknown, so no skip)."""
    depth = 5000
    modules = "mod m {\n" * depth + "#[test]\n#[ignore]\nfn t() {}\n" + "}\n" * depth
    found = test_skips.read("src/lib.rs", modules, Language.RUST)
    assert found is not None and [(t.name.count("::"), t.skipped) for t in found.tests] == [(depth, True)]
    comment = "/*" * depth + "#[test] fn hidden() {}" + "*/" * depth + "#[test]\nfn shown() {}\n"
    found = test_skips.read("src/lib.rs", comment, Language.RUST)
    assert found is not None and [t.name for t in found.tests] == ["shown"]
    cfg = "#[test]\n#[cfg(" + "not(" * depth + "false" + ")" * depth + ")]\nfn t() {}\n"
    found = test_skips.read("src/lib.rs", cfg, Language.RUST)
    assert found is not None and [t.skipped for t in found.tests] == [False]
