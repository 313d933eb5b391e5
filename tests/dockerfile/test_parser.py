"""Dockerfile syntax and the stage model."""

from __future__ import annotations

from regress.kinds.dockerfile.images import Pin, UserKind, parse_ref, user_kind
from regress.kinds.dockerfile.model import effective, stages
from regress.kinds.dockerfile.parser import opens_like_dockerfile, parse, substitute


def test_continuations_comments_and_flags() -> None:
    df = parse("FROM alpine:3.20.3\nRUN --mount=type=cache,target=/c apk add \\\n# a comment\n    curl\nUSER app\n")
    assert [(i.keyword, i.args, i.line) for i in df.instructions] == [
        ("FROM", "alpine:3.20.3", 1),
        ("RUN", "apk add curl", 2),
        ("USER", "app", 5),
    ]
    assert df.instructions[1].flags == (("mount", "type=cache,target=/c"),)


def test_escape_directive_and_heredoc() -> None:
    df = parse(
        "# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN echo a `\n  b\nRUN <<EOF\nset -e\necho hi\nEOF\n"
    )
    assert df.escape == "`"
    assert df.instructions[1].args == "echo a b"
    assert df.instructions[2].heredocs == ("set -e\necho hi\n",)


def test_unknown_instructions_and_unclosed_heredocs_are_errors_not_exceptions() -> None:
    df = parse("FROM a\nFROB x\nRUN <<EOF\necho\n")
    assert [e.message for e in df.errors] == ["unknown instruction 'FROB'", "heredoc 'EOF' is never closed"]


def test_substitution() -> None:
    assert substitute("${A:-x}-$B-${C}", {"B": "b"}) == ("x-b-${C}", False)
    assert substitute("${A:+set}", {"A": "1"}) == ("set", True)


def test_image_references_and_pins() -> None:
    assert parse_ref("docker.io/library/redis:7.2.4") == parse_ref("redis:7.2.4")
    assert parse_ref("redis").pin is Pin.LATEST  # type: ignore[union-attr]
    assert parse_ref("node:20").pin is Pin.MOVING_TAG  # type: ignore[union-attr]
    assert parse_ref("node:20.11.1-alpine").pin is Pin.EXACT_TAG  # type: ignore[union-attr]
    assert parse_ref("ghcr.io/o/app:1@sha256:" + "a" * 64).pin is Pin.DIGEST  # type: ignore[union-attr]
    assert parse_ref("localhost:5000/app").tag == ""  # type: ignore[union-attr]
    assert parse_ref("scratch") is None


def test_user_lattice() -> None:
    distroless = parse_ref("gcr.io/distroless/static-debian12:nonroot")
    assert user_kind(None, distroless) is UserKind.NON_ROOT
    assert user_kind(None, parse_ref("debian:12")) is UserKind.ROOT
    assert user_kind("0:0", None) is UserKind.ROOT
    assert user_kind("root:staff", None) is UserKind.ROOT
    assert user_kind("10001", None) is UserKind.NON_ROOT
    assert user_kind("${U}", None) is UserKind.UNKNOWN


def test_stages_by_name_case_insensitively_and_inherited_user() -> None:
    df = parse("ARG BASE=python:3.12.3\nFROM ${BASE} AS Build\nUSER app\nFROM build\nCOPY . .\n")
    found = stages(df)
    assert [s.key for s in found] == ["build", "#1"]
    assert found[0].from_resolved == "python:3.12.3"
    assert found[1].parent == "build"
    final = effective(found[1], {s.name: s for s in found if s.name})
    assert (final.user, final.root_text) == ("app", "python:3.12.3")


def test_heredoc_words_as_buildkit_reads_them() -> None:
    df = parse(
        "FROM a\n"
        "COPY <<robots.txt <<'humans.txt' /site/\nUser-agent: *\nrobots.txt\npeople\nhumans.txt\n"
        'RUN 5<<in 6<<-"out" cat /proc/self/fd/5\nfive\nin\n\tsix\n\tout\n'
        'RUN cat <<<here "<<QUOTED"\n'
        'RUN ["sh", "-c", "cat <<JSON"]\n'
        "ENV NOTE=<<NOT\n"
        "ONBUILD RUN <<EOF\necho later\nEOF\n"
    )
    assert df.errors == ()
    assert [(i.keyword, i.heredocs, i.line) for i in df.instructions] == [
        ("FROM", (), 1),
        ("COPY", ("User-agent: *\n", "people\n"), 2),
        ("RUN", ("five\n", "six\n"), 7),
        ("RUN", (), 12),
        ("RUN", (), 13),
        ("ENV", (), 14),
        ("ONBUILD", ("echo later\n",), 15),
    ]


def test_parser_directives_as_buildkit_reads_them() -> None:
    # An unknown directive ends the directives: the escape below it is a comment.
    df = parse("# foo=bar\n# escape=`\nFROM a\nRUN echo \\\n  b\n")
    assert df.escape == "\\"
    assert [i.args for i in df.instructions] == ["a", "echo b"]
    df = parse("# escape=`\n# escape=\\\nFROM a\n")
    assert [e.message for e in df.errors] == ["a second escape parser directive"]


def test_opens_like_dockerfile() -> None:
    assert opens_like_dockerfile("\ufeff# syntax=docker/dockerfile:1\n\nARG V=1\nFROM a:${V}\n")
    assert opens_like_dockerfile("from a\n")
    assert not opens_like_dockerfile('syntax "Dockerfile" "Dockerfile[^/]*$"\n')
    assert not opens_like_dockerfile("build/docker/Dockerfile\n")
    assert not opens_like_dockerfile("# only a comment\n")
