"""How Kubernetes rules find an object's partners (its HPA, the workloads a PDB protects) and
apply the owner-removal rule (CATALOGUE §0.2.4) to protective objects."""

from __future__ import annotations

from collections.abc import Callable

from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import root
from regress.model import ModelObject
from regress.rules.base import RuleContext

Match = Callable[[ModelObject], bool]


def partners(ctx: RuleContext, side: str, obj: ModelObject) -> list[ModelObject]:
    """Kubernetes objects on ``side`` that may relate to ``obj``, in its render root: those in the
    files beside it (loaded on demand) and every object the change loaded on that side (a chart or
    overlay puts its whole render there, whatever the template folders)."""
    index = ctx.head if side == "head" else ctx.base
    want = root(obj)
    found: dict[int, ModelObject] = {id(o): o for o in ctx.around(side, obj) if o.family == FAMILY and root(o) == want}
    # Grouped by render root once per side (Index.grouped), not filtered per call.
    for o in index.grouped(FAMILY, root).get(want, ()):
        found.setdefault(id(o), o)
    return list(found.values())


def removal_leaves_targets(ctx: RuleContext, removed: ModelObject, match: Match) -> bool:
    """Whether removing the protective object ``removed`` leaves the things it protected behind.

    False only when the targets it selected on the base side are all gone on the head side (the
    whole application went: owner removal, silent). When no target can be found at all the
    answer is True: a protective object's removal is reported unless it is shown to be moot.
    """
    base_targets = [o for o in partners(ctx, "base", removed) if match(o)]
    if not base_targets:
        return True
    head_seen: dict[int, ModelObject] = {id(o): o for o in partners(ctx, "head", removed)}
    for target in base_targets:
        for o in partners(ctx, "head", target):
            head_seen.setdefault(id(o), o)
    head = list(head_seen.values())
    base_keys = {t.key for t in base_targets}
    return any(o.key in base_keys or match(o) for o in head)
