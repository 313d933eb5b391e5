"""The values model: one object per chart render root holding its coalesced values.

Values-level rules read these; the rendered Kubernetes objects of the same root carry the same
``origin.unit``, so a rule can tell whether the render already shows what the values changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from regress.diff import FamilyDiff, name_list_key

FAMILY = "helm-values"
TYPE = "HelmValues"


@dataclass(frozen=True, slots=True)
class ValuesFacts:
    chart: str
    #: The render root's identity part (``charts/app`` or ``charts/app@ci/prod-values.yaml``).
    root: str
    #: Whether this root rendered on this side (False: no renderer, a template error, a limit).
    rendered: bool
    #: The chart's declared dependencies, present or not: (values key, condition, tags).
    dependencies: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


DIFF = FamilyDiff(list_key=name_list_key)
