"""Values-level rules over Helm charts' common values conventions (CATALOGUE §7).

They read the coalesced values of each render root (``regress.kinds.helm.model``), so a chart
that cannot be rendered is still checked. When both sides rendered, each finding *yields* to the
rendered objects of the same root: if a Kubernetes rule already reports a finding of the same
category on them, the values-level one is dropped as a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regress.kinds.helm.model import FAMILY, TYPE, ValuesFacts
from regress.kinds.kubernetes.identity import FAMILY as K8S_FAMILY
from regress.model import Change, ModelObject, Route, route_text
from regress.rules.base import RuleContext

KINDS = ("helm",)
WATCHES = ((FAMILY, TYPE),)
STATUSES = frozenset({"modified", "renamed"})
#: Values conventions nest components a few levels deep (``server.metrics.serviceMonitor``);
#: deeper keys are data (configuration files, dashboards), not switches.
MAX_DEPTH = 5


def facts(obj: ModelObject | None) -> ValuesFacts | None:
    return obj.facts if obj is not None and isinstance(obj.facts, ValuesFacts) else None


def rendered_both(change: Change) -> bool:
    before, after = facts(change.before), facts(change.after)
    return bool(before and after and before.rendered and after.rendered)


def blocks(values: Any, names: frozenset[str]) -> dict[tuple[str, ...], tuple[Route, Any]]:
    """Every key (at any depth up to MAX_DEPTH) whose lower-cased name is in ``names``, by its
    lower-cased route (so ``servicemonitor`` and ``serviceMonitor`` pair), with its real route."""
    out: dict[tuple[str, ...], tuple[Route, Any]] = {}
    _walk(values, (), names, out)
    return out


def _walk(node: Any, route: Route, names: frozenset[str], out: dict[tuple[str, ...], tuple[Route, Any]]) -> None:
    if len(route) >= MAX_DEPTH or not isinstance(node, dict):
        return
    for key, value in node.items():
        if not isinstance(key, str):
            continue
        sub = (*route, key)
        if key.lower() in names:
            out[tuple(str(s).lower() for s in sub)] = (sub, value)
        _walk(value, sub, names, out)


def paired(
    change: Change, names: frozenset[str]
) -> Iterator[tuple[tuple[str, ...], tuple[Route, Any] | None, tuple[Route, Any] | None]]:
    """Blocks named ``names`` on both sides, paired by lower-cased route (head order)."""
    assert change.before is not None and change.after is not None
    base = blocks(change.before.body, names)
    head = blocks(change.after.body, names)
    for key in sorted(base.keys() | head.keys()):
        yield key, base.get(key), head.get(key)


def parent_exists(values: Any, route: Route) -> bool:
    node = values
    for step in route[:-1]:
        if not isinstance(node, dict) or step not in node:
            return False
        node = node[step]
    return isinstance(node, dict)


def rendered_identities(change: Change, ctx: RuleContext, types: tuple[str, ...]) -> tuple[str, ...]:
    """Identities of the rendered objects of this render root with one of ``types`` (both sides);
    empty unless both sides rendered, so a values finding stands alone when the render failed."""
    if not rendered_both(change):
        return ()
    out: list[str] = []
    for index, obj in ((ctx.base, change.before), (ctx.head, change.after)):
        if obj is None:
            continue
        for other in index.of_type(K8S_FAMILY, *types):
            if other.origin.unit == obj.origin.unit and other.identity not in out:
                out.append(other.identity)
    return tuple(out)


def where(change: Change) -> str:
    obj = change.after or change.before
    assert obj is not None
    return obj.label


def qualifier(change: Change) -> str:
    """Said of a values-level finding when the chart could not be rendered on some side."""
    return "" if rendered_both(change) else " (values-level: the chart was not rendered on both sides)"


def text(route: Route) -> str:
    return route_text(route)


def truthy(value: Any) -> bool | None:
    """A switch's value: booleans, and the strings Helm's YAML 1.1 parser reads as booleans."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "on"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "no", "off"):
        return False
    return None


SWITCHES = ("enabled", "create")


def switched_off(change: Change, names: frozenset[str]) -> Iterator[tuple[Route, Route | None, Route, bool]]:
    """Blocks named ``names`` whose switch (``enabled``/``create``) was true and no longer is:
    (base route of the switch, head route of the switch or None, head anchor route, removed).

    A block that is gone from the head while its parent stays counts as switched off, unless a
    block of the same name elsewhere in the head is switched on (it moved)."""
    assert change.before is not None and change.after is not None
    head_blocks = blocks(change.after.body, names)
    moved_on = {
        key[-1]
        for key, (_, value) in head_blocks.items()
        if isinstance(value, dict) and any(truthy(value.get(s)) for s in SWITCHES)
    }
    for key, base, head in paired(change, names):
        if base is None or not isinstance(base[1], dict):
            continue
        switch = next((s for s in SWITCHES if truthy(base[1].get(s)) is True), None)
        if switch is None:
            continue
        base_route = (*base[0], switch)
        if head is None:
            if key[-1] in moved_on or not parent_exists(change.after.body, base[0]):
                continue
            yield base_route, None, base[0][:-1], True
            continue
        if not isinstance(head[1], dict):
            continue
        if truthy(head[1].get(switch)) is True:
            continue
        head_route = (*head[0], switch)
        yield base_route, head_route, head_route if switch in head[1] else head[0], False


def show(value: Any) -> str:
    """A value as YAML would spell it: ``true``, ``absent`` for a missing key, ``[ALL]``."""
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


def switch_change(base_route: Route, head_route: Route | None, removed: bool) -> tuple[str, str]:
    """(attribute, description) of a switch turned off, in the head's spelling of the block."""
    block = text(head_route[:-1]) if head_route else text(base_route[:-1])
    if removed:
        return block, f"{text(base_route[:-1])} removed"
    assert head_route is not None
    if text(head_route) != text(base_route):
        return block, f"{text(base_route)}: true → {text(head_route)}: false"
    return block, f"{text(base_route)}: true → false"
