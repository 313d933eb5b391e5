"""How Kubernetes rules find an object's partners (its HPA, the workloads a PDB protects) and
apply the owner-removal rule (CATALOGUE §0.2.4) to protective objects."""

from __future__ import annotations

from collections.abc import Callable

from regress.kinds.kubernetes.identity import FAMILY
from regress.kinds.kubernetes.relations import namespace as namespace_of
from regress.kinds.kubernetes.relations import root
from regress.model import ModelObject
from regress.rules.base import RuleContext

Match = Callable[[ModelObject], bool]


def partners(ctx: RuleContext, side: str, obj: ModelObject, namespace: str | None = None) -> list[ModelObject]:
    """Kubernetes objects on ``side`` that may relate to ``obj``, in its render root: those in the
    files beside it (loaded on demand) and every object the change loaded on that side (a chart or
    overlay puts its whole render there, whatever the template folders).

    With ``namespace``, only the objects of that namespace, in the same order: for callers whose
    relation holds within one namespace only (an HPA's target, a PDB's pods), so that a change
    touching many objects does not look at every loaded object for each of them.
    """
    index = ctx.head if side == "head" else ctx.base
    want = root(obj)
    found: dict[int, ModelObject] = {
        id(o): o
        for o in ctx.around(side, obj)
        if o.family == FAMILY and root(o) == want and (namespace is None or namespace_of(o) == namespace)
    }
    # Grouped by render root (and namespace) once per side (Index.grouped), not filtered per call.
    if namespace is None:
        group = index.grouped(FAMILY, root).get(want, ())
    else:
        group = index.grouped(FAMILY, _root_and_namespace).get((want, namespace), ())
    for o in group:
        found.setdefault(id(o), o)
    return list(found.values())


def partner_parts(
    ctx: RuleContext, side: str, obj: ModelObject, namespace: str
) -> tuple[list[ModelObject], list[ModelObject]]:
    """``partners(ctx, side, obj, namespace)`` in two parts that, joined (the second without what
    the first holds), are that list in its order: the objects around ``obj`` (its folder, loaded
    on demand) and the change's loaded objects of its render root and namespace. For rules that
    look the second part up in an index of the whole side (``Index.derived``) instead of scanning
    it for every changed object."""
    index = ctx.head if side == "head" else ctx.base
    want = root(obj)
    near = {
        id(o): o
        for o in ctx.around(side, obj)
        if o.family == FAMILY and root(o) == want and namespace_of(o) == namespace
    }
    return list(near.values()), index.grouped(FAMILY, _root_and_namespace).get((want, namespace), [])


def _root_and_namespace(obj: ModelObject) -> tuple[str, str]:
    return root(obj), namespace_of(obj)


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
