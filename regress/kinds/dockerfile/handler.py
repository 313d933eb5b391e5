"""Dockerfiles as units: each file is one unit (its stages and the image it builds).

A file is claimed by its name (``Dockerfile``, ``Dockerfile.prod``, ``api.Dockerfile``,
``Containerfile``), but names are only a convention: ``Dockerfile.nanorc`` and
``Dockerfile.tmLanguage`` are an editor's syntax files, and a symlink checked out as a file holds
only a path. A template that renders a Dockerfile (``Dockerfile.deb.m4``, ``Dockerfile.j2``,
``Dockerfile.in``, Rails' ``Dockerfile.tt``) holds another language's syntax between the instructions; what it builds is
known only once rendered, so it is not read, and a notice says so. The Dockerfile reference
requires a Dockerfile to begin with ``FROM``, after parser directives, comments and global ``ARG``
instructions; a file whose first instruction is neither, on both sides, is not read as a
Dockerfile (a notice says so). When either side reads as one,
both sides are read, so a Dockerfile broken on the head side is still an ``unverifiable-file``
finding.
"""

from __future__ import annotations

import re

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.dockerfile.model import FAMILY, build
from regress.kinds.dockerfile.parser import opens_like_dockerfile, parse
from regress.kinds.gates import inline
from regress.model import Notice, NoticeKind, Side
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "dockerfile"
#: Dockerfile, Dockerfile.prod, api.Dockerfile, build.dockerfile, Containerfile(.x).
_NAME = re.compile(r"^(?:(?:Docker|Container)file(?:\..+)?|.+\.(?:[Dd]ockerfile|[Cc]ontainerfile))$")


#: Extensions of template languages: the file renders a Dockerfile and is not one (``.tt`` is
#: Thor's, which Rails' application generator renders; ``.ejs``, ``.liquid`` and ``.njk`` are
#: JavaScript and static-site template engines).
_TEMPLATE = re.compile(
    r"\.(?:m4|j2|jinja2?|tmpl|tpl|template|in|erb|tt|ejs|liquid|njk|mustache|hbs|gotmpl|tera)$", re.IGNORECASE
)


def is_dockerfile(path: str) -> bool:
    name = path.rpartition("/")[2]
    return bool(_NAME.match(name)) and not name.endswith((".dockerignore", ".md", ".txt"))


class DockerfileHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if is_dockerfile(path) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        if _TEMPLATE.search(path):
            result.notices.append(
                Notice(
                    NoticeKind.SKIPPED,
                    f"{path} not read as a Dockerfile: it is a template, whose Dockerfile exists only once rendered",
                    path,
                )
            )
            return result
        try:
            text = ctx.text(path)
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        if not opens_like_dockerfile(text) and not _other_side_opens_like_dockerfile(path, ctx):
            result.notices.append(
                Notice(NoticeKind.SKIPPED, f"{path} not read as a Dockerfile: it does not begin with FROM", path)
            )
            return result
        df = parse(text)
        if df.errors:
            # The first error is where the file stops reading as a Dockerfile (BuildKit stops
            # there too); the errors after it are mostly its consequences.
            first = df.errors[0]
            more = f" (and {len(df.errors) - 1} more)" if len(df.errors) > 1 else ""
            result.errors.append(UnitError(path, first.message + more, first.line))
        result.objects.extend(build(df, path, KIND))
        # Checkov, Trivy and KICS read skip comments, which the Dockerfile parser drops.
        found = inline.suppressions_object(KIND, path, [(path, text)], inline.Syntax.DOCKERFILE)
        if found is not None:
            result.objects.append(found)
        return result


def _other_side_opens_like_dockerfile(path: str, ctx: LoadContext) -> bool:
    """Whether the other side's file of the same name reads as a Dockerfile (read only to decide
    how to read this side, as ``LoadContext.other`` allows)."""
    other = ctx.other
    if other is None or other.blob_id(path) is None:
        return False
    side = Side.BASE if ctx.side is Side.HEAD else Side.HEAD
    try:
        text = LoadContext(other, side, ctx.cache, ctx.max_file_bytes).text(path)
    except LoadError:
        return False
    return opens_like_dockerfile(text)
