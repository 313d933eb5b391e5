"""Compose files as units: ``compose.yaml``, ``docker-compose.yml`` and their ``.override`` /
per-environment variants (``docker-compose.prod.yml``), each file a unit of its own.

Compose files are YAML, so this handler must come before the plain Kubernetes one.
"""

from __future__ import annotations

import re

from regress.kinds.base import LoadContext, LoadResult, Unit, UnitError
from regress.kinds.compose.model import FAMILY, build
from regress.model import Notice, NoticeKind
from regress.source.base import Snapshot
from regress.yamlload import LoadError

KIND = "compose"
_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$", re.I)


def is_compose(path: str) -> bool:
    return bool(_NAME.match(path.rpartition("/")[2]))


class ComposeHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        del snapshot
        return [Unit(KIND, path)] if is_compose(path) else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        path = unit.root
        if not ctx.exists(path):
            return result
        result.files.append(path)
        try:
            loaded = ctx.yaml(path)
        except LoadError as exc:
            result.errors.append(UnitError(path, exc.message, exc.line))
            return result
        for line, key in loaded.duplicates:
            result.notices.append(
                Notice(NoticeKind.INPUT, f"duplicate key {key!r}: the last value is used", path, line)
            )
        for doc in loaded.documents:
            result.objects.extend(build(doc, path, KIND))
        return result
