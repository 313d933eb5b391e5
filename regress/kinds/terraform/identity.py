"""Identity of Terraform objects, list keys inside them, and the declared refactors (``moved``).

An object is (module folder, address): global over the folder's files, so moving a resource to
another file of the same module is no change. Nested blocks are matched by a labelling attribute
(``name``, ``id``, ``sid``, ``key``…) when every block has a distinct one, else by their content,
so reordering blocks is no change either. Lists of plain values are compared as sets: the AWS
provider stores nearly every such list (CIDR blocks, security groups, alarm actions) as a set.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from regress.diff import FamilyDiff, canon
from regress.model import ModelObject, Route

FAMILY = "terraform"

#: Attributes that label a nested block, in order of preference.
LABEL_FIELDS = ("name", "id", "sid", "key", "rule_id", "ip_protocol", "type")
#: Alarm-like resources are paired across renames by what they watch (see ``rename_key``).
ALARM_TYPES = frozenset({"aws_cloudwatch_metric_alarm"})


def list_key(route: Route, items: list[Any]) -> Callable[[Any], Any] | None:
    del route
    if not items:
        return None
    if all(isinstance(i, dict) for i in items):
        for field in LABEL_FIELDS:
            values = [i.get(field) for i in items]
            if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
                return _field_key(field)
        if len(items) == 1:
            return _first  # a single block (versioning, metadata_options): nothing to match
        keys = [_content_key(i) for i in items]
        if len(set(keys)) == len(keys):
            return _content_key
        return None
    if all(not isinstance(i, (dict, list)) for i in items):
        keys = [repr(canon(i)) for i in items]
        if len(set(keys)) == len(keys):
            return lambda item: repr(canon(item))
    return None


def _field_key(field: str) -> Callable[[Any], Any]:
    def key(item: Any) -> Any:
        return item[field]

    return key


def _first(item: Any) -> str:
    del item
    return "0"


def _content_key(item: Any) -> str:
    return "#" + hashlib.sha256(repr(canon(item)).encode()).hexdigest()[:10]


def ignore(route: Route) -> bool:
    # Descriptions and tags are documentation and bookkeeping, not behaviour.
    return route[0] in ("description", "tags", "tags_all")


def align(base: Sequence[ModelObject], head: Sequence[ModelObject]) -> list[ModelObject]:
    """Apply the head side's ``moved`` blocks to base addresses (chains followed), per folder."""
    moves: dict[tuple[str, str], str] = {}
    for obj in head:
        for src, dst in obj.extra.get("moved", ()):
            moves[(obj.key[0], src)] = dst
    if not moves:
        return list(base)
    out: list[ModelObject] = []
    for obj in base:
        folder, address = obj.key[0], obj.key[-1]
        new = _follow(moves, folder, address)
        if new == address:
            out.append(obj)
            continue
        out.append(dataclasses.replace(obj, key=(folder, new), label=new, extra=dict(obj.extra)))
    return out


def _follow(moves: dict[tuple[str, str], str], folder: str, address: str) -> str:
    seen = {address}
    current = address
    for _ in range(32):
        nxt = moves.get((folder, current))
        if nxt is None:
            # A moved module call carries the objects it owns (module.a.x → module.b.x).
            for (f, src), dst in moves.items():
                if f == folder and src.startswith("module.") and current.startswith(src + "."):
                    nxt = dst + current[len(src) :]
                    break
        if nxt is None or nxt in seen:
            return current
        seen.add(nxt)
        current = nxt
    return current


def rename_key(obj: ModelObject) -> Any:
    """Alarms renamed (``high-cpu-critical`` → ``very-high-cpu-warning``) are the same alarm when
    they watch the same metric of the same thing in the same direction."""
    if obj.type not in ALARM_TYPES or not isinstance(obj.body, dict):
        return None
    body = obj.body
    watched = tuple(repr(canon(body.get(k))) for k in ("namespace", "metric_name", "dimensions", "comparison_operator"))
    if body.get("metric_name") is None and body.get("metric_query") is None:
        return None
    return (obj.key[0], watched, repr(canon(body.get("metric_query"))))


def fingerprint(obj: ModelObject) -> Any:
    """Same block source in the same scope: the same object (see module.py, objects.py)."""
    return obj.extra.get("fingerprint")


DIFF = FamilyDiff(list_key=list_key, ignore=ignore, align=align, secondary_key=rename_key, fingerprint=fingerprint)
