"""The keyed diff: pair objects by identity, then pair leftovers by similarity, then compare.

Identity is global per family, so an object moved to another file is paired with itself and, if
its content is equal, reported as MOVED (which no rule treats as a weakening). Leftovers of the
same type on both sides are paired as renames when their content is similar enough; rules still
run on renamed pairs, because weakenings travel with renames.

Inside a pair, ``diff_values`` compares leaves type-strictly (``True`` is not ``1``) and matches
list items by the family's list keys (containers by name, env by name, …) so reordering a keyed
list is no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from regress.model import AttrChange, Change, ModelObject, Route, Status
from regress.yamlload import YFloat

ListKey = Callable[[Route, list[Any]], Callable[[Any], Any] | None]

#: Pairing thresholds: unrelated objects stamped from one template score 0.66–0.78 on leaf-set
#: Jaccard similarity, true renames ~0.85 (CATALOGUE.md "Pairing renames"); the margin keeps an
#: ambiguous pair unpaired rather than mis-paired.
RENAME_THRESHOLD = 0.8
RENAME_MARGIN = 0.05
#: Beyond this many leftovers per type on one side only identical contents are paired.
RENAME_CANDIDATES = 50
#: Identical objects under new identities pair with the one of most alike path among this many.
_PATH_CANDIDATES = 32
#: How much closer in content another leftover must be for a weak-key pair to yield to it
#: (``FamilyDiff.contest_weak_keys``): an object that shares only its key with its partner
#: (a stub job that took over a job id) and most of its content with another (the job itself,
#: moved under a new id) pairs with the other.
CONTEST_MARGIN = 0.25


def name_list_key(route: Route, items: list[Any]) -> Callable[[Any], Any] | None:
    """Lists whose items are all mappings with a distinct ``name`` are keyed by it."""
    del route
    if items and all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items):
        names = [i["name"] for i in items]
        if len(set(names)) == len(names):
            return lambda item: item["name"]
    return None


@dataclass(frozen=True)
class FamilyDiff:
    """How one family's objects compare: list keys, ignored noise, similarity features."""

    list_key: ListKey = name_list_key
    #: Routes (as index-free text prefixes) that are noise: excluded from equality and attrs.
    ignore: Callable[[Route], bool] = field(default=lambda route: False)
    #: Routes excluded from rename similarity (identity fields such as metadata.name).
    identity_routes: frozenset[Route] = frozenset()
    #: A weaker identity tried on leftovers before similarity: objects whose secondary key is
    #: unique among the removed and among the added ones pair as renames (a CI job moved to another
    #: workflow file keeps its job id while its content changes). None: not used.
    secondary_key: Callable[[ModelObject], Any] | None = None
    #: A last identity tried on what ``secondary_key`` left, before similarity, the same way: the
    #: name an object is shown by in its file (a CI job whose id was renamed while its steps
    #: were rewritten keeps its display name). None: not used.
    display_key: Callable[[ModelObject], Any] | None = None
    #: Declared refactors: re-key base objects from what the head side says (Terraform ``moved``
    #: blocks) before pairing. Gets (base, head), returns the base objects to pair.
    align: Callable[[Sequence[ModelObject], Sequence[ModelObject]], list[ModelObject]] | None = None
    #: A cheap equality shortcut: two objects with the same non-None fingerprint are equal and
    #: are not compared leaf by leaf (a hash of the source block and what it depends on).
    fingerprint: Callable[[ModelObject], Any] | None = None
    #: Whether a pair made by ``secondary_key`` or ``display_key`` yields to a leftover that is
    #: much closer in content (by ``CONTEST_MARGIN``) when the two are each other's closest.
    contest_weak_keys: bool = False


def canon(value: Any) -> Any:
    """A hashable, type-strict form of a YAML value (``True`` ≠ ``1``; key order ignored)."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, YFloat):
        return ("f", value.raw)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, float):
        return ("f", repr(value))
    if isinstance(value, str):
        return value
    if value is None:
        return ("n",)
    if isinstance(value, dict):
        return ("m", frozenset((canon(k), canon(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("l", tuple(canon(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("s", frozenset(canon(v) for v in value))
    return ("o", repr(value))


def strict_equal(a: Any, b: Any) -> bool:
    if (
        type(a) is not type(b)
        and not (isinstance(a, dict) and isinstance(b, dict))
        and not (isinstance(a, list) and isinstance(b, list))
    ):
        if isinstance(a, bool) or isinstance(b, bool):
            return False
        if isinstance(a, str) != isinstance(b, str):
            return False
    return bool(canon(a) == canon(b))


def diff_values(a: Any, b: Any, fam: FamilyDiff, route: Route = ()) -> list[AttrChange]:
    """Leaf-level differences between two values, keyed lists matched by key."""
    out: list[AttrChange] = []
    _diff(a, b, fam, route, out)
    return out


def _union(a: dict[Any, Any], b: dict[Any, Any]) -> list[Any]:
    return [*a, *(k for k in b if k not in a)]


def _diff(a: Any, b: Any, fam: FamilyDiff, route: Route, out: list[AttrChange]) -> None:
    if route and fam.ignore(route):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        # Keys in document order (the base's, then the head's new ones), never a set's: a set's
        # order changes with the string-hash seed, and so would the order of the attributes.
        for k in _union(a, b):
            sub = (*route, k)
            if k not in b:
                if not fam.ignore(sub):
                    out.append(AttrChange(sub, a[k], None, "removed"))
            elif k not in a:
                if not fam.ignore(sub):
                    out.append(AttrChange(sub, None, b[k], "added"))
            else:
                _diff(a[k], b[k], fam, sub, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        key_a = fam.list_key(route, a)
        key_b = fam.list_key(route, b)
        if key_a is not None and key_b is not None:
            ma = {key_a(i): i for i in a}
            mb = {key_b(i): i for i in b}
            for k in _union(ma, mb):
                sub = (*route, f"[{k}]")
                if k not in mb:
                    out.append(AttrChange(sub, ma[k], None, "removed"))
                elif k not in ma:
                    out.append(AttrChange(sub, None, mb[k], "added"))
                else:
                    _diff(ma[k], mb[k], fam, sub, out)
            return
        for i in range(max(len(a), len(b))):
            sub = (*route, i)
            if i >= len(b):
                out.append(AttrChange(sub, a[i], None, "removed"))
            elif i >= len(a):
                out.append(AttrChange(sub, None, b[i], "added"))
            else:
                _diff(a[i], b[i], fam, sub, out)
        return
    if canon(a) != canon(b):
        out.append(AttrChange(route, a, b, "changed"))


def _same_fingerprint(a: ModelObject, b: ModelObject, fam: FamilyDiff) -> bool:
    """The family says the two are the same object whatever their bodies (see FamilyDiff.fingerprint)."""
    if fam.fingerprint is None:
        return False
    fa = fam.fingerprint(a)
    return fa is not None and fa == fam.fingerprint(b)


def _strip(value: Any, fam: FamilyDiff, route: Route) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, fam, (*route, k)) for k, v in value.items() if not fam.ignore((*route, k))}
    if isinstance(value, list):
        key = fam.list_key(route, value)
        if key is not None:
            # Keyed lists compare as sets of keyed items: their order carries no meaning.
            return {f"[{key(v)}]": _strip(v, fam, (*route, f"[{key(v)}]")) for v in value}
        return [_strip(v, fam, (*route, i)) for i, v in enumerate(value)]
    return value


def features(obj: ModelObject, fam: FamilyDiff, replace_name: bool = False) -> frozenset[str]:
    """Leaves as ``path=value`` strings for rename similarity, without identity fields; with
    ``replace_name`` the object's own name is replaced inside values (so ``web-config`` in ``web``
    matches ``api-config`` in ``api``)."""
    slot = "_features_named" if replace_name else "_features"
    cached = obj.extra.get(slot)
    if cached is not None:
        assert isinstance(cached, frozenset)
        return cached
    out: set[str] = set()
    _features(_strip(obj.body, fam, ()), (), fam, obj.name_hint if replace_name else "", out)
    result = frozenset(out)
    obj.extra[slot] = result
    return result


def similarity(a: ModelObject, b: ModelObject, fam: FamilyDiff) -> float:
    """Jaccard similarity of leaf sets, the better of with and without the names replaced: a
    templated object mentions its own name in values, a renamed one keeps its old labels."""
    plain = jaccard(features(a, fam), features(b, fam))
    if plain >= 1.0 or not (a.name_hint or b.name_hint):
        return plain
    return max(plain, jaccard(features(a, fam, True), features(b, fam, True)))


def _features(value: Any, route: Route, fam: FamilyDiff, name: str, out: set[str]) -> None:
    if route in fam.identity_routes:
        return
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _features(v, (*route, k), fam, name, out)
        return
    if isinstance(value, list) and value:
        for v in value:
            _features(v, (*route, "*"), fam, name, out)
        return
    text = repr(canon(value))
    if name and len(name) > 2:
        text = text.replace(name, "\x00")
    path = ".".join(str(s) for s in route)
    out.add(f"{path}={text}")


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def diff_objects(base: Iterable[ModelObject], head: Iterable[ModelObject], fam: FamilyDiff) -> list[Change]:
    """Changes between two sides of one family: unchanged pairs are left out."""
    if fam.align is not None:
        base = fam.align(list(base), list(head))
    b_map = {(o.type, o.key): o for o in base}
    h_map = {(o.type, o.key): o for o in head}
    changes: list[Change] = []
    for k in b_map.keys() & h_map.keys():
        before, after = b_map[k], h_map[k]
        # One walk over both bodies decides equality and yields the attribute changes; building
        # canonical forms of both sides first cost more than the walk itself.
        attrs = [] if _same_fingerprint(before, after, fam) else diff_values(before.body, after.body, fam)
        if not attrs:
            if before.origin.path != after.origin.path:
                changes.append(Change(Status.MOVED, before, after))
            continue
        changes.append(Change(Status.MODIFIED, before, after, tuple(attrs)))
    # In each side's own order, not a set's: pairing leftovers breaks ties by order, and a set's
    # order changes with the interpreter's string-hash seed (PYTHONHASHSEED), so two runs on the
    # same trees could pair, and report, differently.
    removed = [o for k, o in b_map.items() if k not in h_map]
    added = [o for k, o in h_map.items() if k not in b_map]
    changes.extend(_pair_renames(removed, added, fam))
    changes.sort(key=_change_order)
    return changes


def _change_order(c: Change) -> tuple[str, str, tuple[str, ...]]:
    obj = c.obj
    return (obj.type, obj.origin.path, obj.key)


def _pair_renames(removed: Sequence[ModelObject], added: Sequence[ModelObject], fam: FamilyDiff) -> list[Change]:
    out: list[Change] = []
    by_type: dict[str, tuple[list[ModelObject], list[ModelObject]]] = {}
    for o in removed:
        by_type.setdefault(o.type, ([], []))[0].append(o)
    for o in added:
        by_type.setdefault(o.type, ([], []))[1].append(o)
    for rem, add in by_type.values():
        paired_r: set[int] = set()
        paired_a: set[int] = set()
        # Identical content under a new identity: always a rename, however many there are.
        by_canon: dict[Any, list[int]] = {}
        for j, o in enumerate(add):
            by_canon.setdefault(_canon_without_identity(o, fam), []).append(j)
        for i, o in enumerate(rem):
            js = by_canon.get(_canon_without_identity(o, fam))
            if js:
                # Among identical candidates, the one whose file path is most like this one's
                # (a folder moved with its files beside a new file of the same content); only
                # the first few are compared, so that thousands of identical objects stay linear.
                near = js[:_PATH_CANDIDATES]
                j = max(near, key=lambda j: _path_likeness(o.origin.path, add[j].origin.path))
                js.remove(j)
                paired_r.add(i)
                paired_a.add(j)
                out.append(Change(Status.RENAMED, o, add[j], tuple(diff_values(o.body, add[j].body, fam)), 1.0))
        for weaker in (fam.secondary_key, fam.display_key):
            if weaker is None:
                continue
            found = _secondary_pairs(rem, add, paired_r, paired_a, weaker)
            if fam.contest_weak_keys and found:
                found = _contest(rem, add, paired_r, paired_a, found, fam)
            for i, j in found:
                paired_r.add(i)
                paired_a.add(j)
                attrs = tuple(diff_values(rem[i].body, add[j].body, fam))
                out.append(Change(Status.RENAMED, rem[i], add[j], attrs, round(similarity(rem[i], add[j], fam), 3)))
        rest_r = [i for i in range(len(rem)) if i not in paired_r]
        rest_a = [j for j in range(len(add)) if j not in paired_a]
        if rest_r and rest_a and len(rest_r) <= RENAME_CANDIDATES and len(rest_a) <= RENAME_CANDIDATES:
            for i, j, score in _greedy_pairs(rem, add, rest_r, rest_a, fam):
                paired_r.add(i)
                paired_a.add(j)
                attrs = tuple(diff_values(rem[i].body, add[j].body, fam))
                out.append(Change(Status.RENAMED, rem[i], add[j], attrs, round(score, 3)))
        out.extend(Change(Status.REMOVED, rem[i], None) for i in range(len(rem)) if i not in paired_r)
        out.extend(Change(Status.ADDED, None, add[j]) for j in range(len(add)) if j not in paired_a)
    return out


def _secondary_pairs(
    rem: Sequence[ModelObject],
    add: Sequence[ModelObject],
    paired_r: set[int],
    paired_a: set[int],
    key: Callable[[ModelObject], Any],
) -> list[tuple[int, int]]:
    """Leftovers whose secondary key occurs exactly once on each side."""
    by_r: dict[Any, list[int]] = {}
    by_a: dict[Any, list[int]] = {}
    for i, o in enumerate(rem):
        k = key(o) if i not in paired_r else None
        if k is not None:
            by_r.setdefault(k, []).append(i)
    for j, o in enumerate(add):
        k = key(o) if j not in paired_a else None
        if k is not None:
            by_a.setdefault(k, []).append(j)
    return [(rs[0], by_a[k][0]) for k, rs in by_r.items() if len(rs) == 1 and len(by_a.get(k, ())) == 1]


def _contest(
    rem: Sequence[ModelObject],
    add: Sequence[ModelObject],
    paired_r: set[int],
    paired_a: set[int],
    pairs: list[tuple[int, int]],
    fam: FamilyDiff,
) -> list[tuple[int, int]]:
    """Weak-key pairs, each replaced by the leftover closest in content to its removed side when
    that one is closer by ``CONTEST_MARGIN`` and the removed side is its closest in turn. Bounded
    like similarity pairing: beyond ``RENAME_CANDIDATES`` leftovers the pairs stand as they are."""
    free_r = [i for i in range(len(rem)) if i not in paired_r]
    free_a = [j for j in range(len(add)) if j not in paired_a]
    if len(free_r) > RENAME_CANDIDATES or len(free_a) > RENAME_CANDIDATES:
        return pairs
    out: list[tuple[int, int]] = []
    taken = {j for _, j in pairs}
    for i, j in pairs:
        own = similarity(rem[i], add[j], fam)
        others = [(similarity(rem[i], add[k], fam), k) for k in free_a if k not in taken]
        best = max(others, default=None)
        if best is not None and best[0] >= own + CONTEST_MARGIN:
            score, k = best
            rivals = (similarity(rem[x], add[k], fam) for x in free_r if x != i)
            if all(r < score for r in rivals):
                taken.discard(j)
                taken.add(k)
                out.append((i, k))
                continue
        out.append((i, j))
    return out


def _path_likeness(a: str, b: str) -> int:
    """How many trailing path parts two paths share (``a/x/f.go`` and ``b/x/f.go``: 2)."""
    n = 0
    for pa, pb in zip(reversed(a.split("/")), reversed(b.split("/")), strict=False):
        if pa != pb:
            break
        n += 1
    return n


def _canon_without_identity(obj: ModelObject, fam: FamilyDiff) -> Any:
    return features(obj, fam)


def _greedy_pairs(
    rem: Sequence[ModelObject],
    add: Sequence[ModelObject],
    rest_r: list[int],
    rest_a: list[int],
    fam: FamilyDiff,
) -> list[tuple[int, int, float]]:
    scores: dict[tuple[int, int], float] = {}
    for i in rest_r:
        for j in rest_a:
            scores[(i, j)] = similarity(rem[i], add[j], fam)
    pairs: list[tuple[int, int, float]] = []
    used_r: set[int] = set()
    used_a: set[int] = set()
    for (i, j), score in sorted(scores.items(), key=lambda kv: -kv[1]):
        if score < RENAME_THRESHOLD or i in used_r or j in used_a:
            continue
        # The runner-up for either side must trail by the margin, or the pair is ambiguous.
        rivals = [s for (x, y), s in scores.items() if (x == i) != (y == j) and x not in used_r and y not in used_a]
        if rivals and score - max(rivals) < RENAME_MARGIN:
            continue
        used_r.add(i)
        used_a.add(j)
        pairs.append((i, j, score))
    return pairs
