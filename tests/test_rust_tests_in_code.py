"""Rust source as the tests-in-code reader sees it: what the lexer takes for comments and literals
(nested block comments, raw strings, byte and C strings, characters versus lifetimes), and which
tests a file declares, by module path, with what skips them."""

from __future__ import annotations

from regress.kinds.gates.comments import Comment, Language, comments
from regress.kinds.gates.rust_lexer import SpanKind, blanked, spans
from regress.kinds.gates.test_skips import CodeTest, read


def _spans(text: str) -> list[tuple[SpanKind, str]]:
    return [(s.kind, text[s.start : s.end]) for s in spans(text)]


def test_block_comments_nest() -> None:
    text = "a /* one /* two */ still } */ b /* x */"
    assert _spans(text) == [
        (SpanKind.BLOCK_COMMENT, "/* one /* two */ still } */"),
        (SpanKind.BLOCK_COMMENT, "/* x */"),
    ]


def test_raw_strings_close_at_a_quote_with_as_many_hashes() -> None:
    text = 'r"a\\" x r##"b "# } "##  br#"c"# cr"d" r#ident'
    assert _spans(text) == [
        (SpanKind.STRING, 'r"a\\"'),
        (SpanKind.STRING, 'r##"b "# } "##'),
        (SpanKind.STRING, 'br#"c"#'),
        (SpanKind.STRING, 'cr"d"'),
    ]


def test_strings_take_escapes_and_span_lines() -> None:
    text = 'let s = "a \\" // no\n }"; b"x" c"y" // yes'
    assert _spans(text) == [
        (SpanKind.STRING, '"a \\" // no\n }"'),
        (SpanKind.STRING, '"x"'),
        (SpanKind.STRING, '"y"'),
        (SpanKind.LINE_COMMENT, "// yes"),
    ]


def test_characters_are_literals_and_lifetimes_are_code() -> None:
    text = (
        "fn f<'a>(x: &'a str) -> &'static str "
        "{ let c = '{'; let q = '\\''; let u = '\\u{1F600}'; 'outer: loop {} b'}' }"
    )
    assert _spans(text) == [
        (SpanKind.CHAR, "'{'"),
        (SpanKind.CHAR, "'\\''"),
        (SpanKind.CHAR, "'\\u{1F600}'"),
        (SpanKind.CHAR, "'}'"),
    ]


def test_unterminated_literals_and_comments_run_to_the_end() -> None:
    assert _spans('x r##"never "# closed') == [(SpanKind.STRING, 'r##"never "# closed')]
    assert _spans("x /* a /* b */ c") == [(SpanKind.BLOCK_COMMENT, "/* a /* b */ c")]
    assert _spans('x "open \\') == [(SpanKind.STRING, '"open \\')]


def test_blanked_keeps_length_and_lines_and_leaves_no_raw_string_hashes() -> None:
    text = "a /* x\n */ r#\"q\n\"# b // c\n'}'"
    assert blanked(text) == "a     \n    r#\" \n   b     \n' '"
    assert len(blanked(text)) == len(text)


def test_rust_comments_keep_their_lines_and_the_code_before_them() -> None:
    text = 'let s = "// no";\n/* a /* b */\n c */\nf(); // yes\n'
    assert comments(text, Language.RUST) == [
        Comment(2, " a /* b */\n c ", True, ""),
        Comment(4, " yes", False, "f();"),
    ]


_FILE = """\
//! #[test] fn in_a_doc_comment() {}
pub fn parse<'a>(s: &'a str) -> &'a str {
    let _ = (r#"} #[test] fn in_a_string() {}"#, '}');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain() {}

    #[test]
    #[ignore = "slow"]
    fn ignored() {}

    #[tokio::test(flavor = "multi_thread")]
    async fn on_tokio() {}

    #[test_case(1 ; "one")]
    #[cfg_attr(miri, ignore)]
    fn maybe_ignored(n: u32) {}

    #[test]
    #[cfg_attr(all(), ignore)]
    fn always_ignored() {}

    #[test]
    #[cfg(not(test))]
    fn never_built() {}

    fn helper() {
        #[test]
        fn inner_items_are_not_collected() {}
    }

    mod nested {
        #![cfg(false)]
        #[rstest]
        fn off() {}
    }
}

#[bench]
fn bench_parse(b: &mut Bencher) {}
"""


def test_reader_names_tests_by_module_path_and_reads_their_skips() -> None:
    found = read("src/lib.rs", _FILE, Language.RUST)
    assert found is not None
    assert list(found.tests) == [
        CodeTest("tests::plain", 10, False, function="plain"),
        CodeTest("tests::ignored", 14, True, function="ignored"),
        CodeTest("tests::on_tokio", 17, False, function="on_tokio"),
        CodeTest("tests::maybe_ignored", 21, False, function="maybe_ignored"),
        CodeTest("tests::always_ignored", 25, True, function="always_ignored"),
        CodeTest("tests::never_built", 29, True, function="never_built"),
        CodeTest("tests::nested::off", 39, True, function="off"),
        CodeTest("bench_parse", 44, False, function="bench_parse"),
    ]


def test_a_rust_file_without_test_attributes_declares_no_tests() -> None:
    assert read("src/main.rs", "// #[ignore]\nfn main() { let t = 1; }\n", Language.RUST) is None
