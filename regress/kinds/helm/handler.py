"""Helm charts as units.

Templates are not YAML until rendered, so every file under a chart folder belongs to the chart
unit and never to the plain manifest handler.
"""

from __future__ import annotations

from regress.kinds.base import LoadContext, LoadResult, Unit
from regress.kinds.kubernetes.identity import FAMILY
from regress.model import Notice, NoticeKind
from regress.source.base import Snapshot, parent_dirs

KIND = "helm"


def chart_root(path: str, snapshot: Snapshot) -> str | None:
    """The nearest folder above ``path`` (or ``path``'s own folder) that holds a Chart.yaml."""
    for folder in parent_dirs(path):
        chart = f"{folder}/Chart.yaml" if folder else "Chart.yaml"
        if snapshot.blob_id(chart) is not None:
            return folder
    return None


class HelmHandler:
    kind = KIND
    family = FAMILY

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        root = chart_root(path, snapshot)
        return [Unit(KIND, root)] if root is not None else []

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        result = LoadResult()
        chart = f"{unit.root}/Chart.yaml" if unit.root else "Chart.yaml"
        if not ctx.exists(chart):
            return result
        if ctx.side.value == "head":
            result.notices.append(
                Notice(NoticeKind.DEGRADED, "Helm charts are not rendered yet: chart not analysed", chart)
            )
        return result
