"""Dockerfiles as units: each file is one unit (its stages and the image it builds)."""

from __future__ import annotations

import re

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.dockerfile.model import FAMILY, build
from regress.kinds.dockerfile.parser import parse
from regress.kinds.gates import inline
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "dockerfile"
#: Dockerfile, Dockerfile.prod, api.Dockerfile, build.dockerfile, Containerfile(.x).
_NAME = re.compile(r"^(?:(?:Docker|Container)file(?:\..+)?|.+\.(?:[Dd]ockerfile|[Cc]ontainerfile))$")


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
        try:
            text = ctx.text(path)
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        df = parse(text)
        for err in df.errors:
            result.errors.append(UnitError(path, err.message, err.line))
        result.objects.extend(build(df, path, KIND))
        # Checkov, Trivy and KICS read skip comments, which the Dockerfile parser drops.
        found = inline.suppressions_object(KIND, path, [(path, text)], inline.Syntax.DOCKERFILE)
        if found is not None:
            result.objects.append(found)
        return result
