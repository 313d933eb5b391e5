"""What the branch- and environment-protection rules share: reading either source into fields,
and the owner-removal rule for a protection removed with its repository."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from regress.kinds.gates import protection
from regress.kinds.gates.model import FAMILY
from regress.kinds.terraform.identity import FAMILY as TF_FAMILY
from regress.kinds.terraform.objects import ResourceFacts
from regress.model import Change, ModelObject
from regress.rules.base import Hit, RuleContext

Reader = Callable[[ModelObject], protection.Fields | None]


def repository_removed(obj: ModelObject, ctx: RuleContext) -> bool:
    """A Terraform protection whose ``github_repository`` is gone from the head: the repository
    is removed with it (owner-removal rule, CATALOGUE.md §0.2.4)."""
    facts = obj.facts
    if not isinstance(facts, ResourceFacts):
        return False
    repos = [a for a in facts.refers_to if a.startswith("github_repository.")]
    return bool(repos) and all(ctx.head.get(TF_FAMILY, (obj.key[0], a)) is None for a in repos)


def compare(
    change: Change, ctx: RuleContext, read: Reader, names: Mapping[str, str], what: str, gone: str
) -> Iterator[Hit]:
    """Hits for every weakened field; ``gone`` says what a removal means."""
    before, after = change.before, change.after
    if before is None:
        return
    was = read(before)
    if was is None:
        return
    if after is None:
        if repository_removed(before, ctx):
            return
        moved = _successor(before, ctx, read)
        if moved is not None:
            # Moved between settings.yml and Terraform: compare with where it went.
            after = moved
    if after is None:
        yield Hit(
            message=f"{before.label} was removed: {gone}",
            attr=what.replace(" ", "-"),
            base_route=(),
            before=True,
            after=None,
        )
        return
    now = read(after)
    if now is None:
        return
    for w in protection.weakenings(was, now, names):
        if after.family != before.family:
            yield Hit(
                message=f"{after.label} (was {before.label}): {w.what}",
                attr=w.field,
                head_obj=after,
                head_route=_route(after, w.field, w.head_route),
                before=sorted(w.before) if isinstance(w.before, frozenset) else w.before,
                after=sorted(w.after) if isinstance(w.after, frozenset) else w.after,
            )
            continue
        yield Hit(
            message=f"{after.label}: {w.what}",
            attr=w.field,
            head_route=_route(after, w.field, w.head_route),
            base_route=_route(before, w.field, w.base_route),
            before=sorted(w.before) if isinstance(w.before, frozenset) else w.before,
            after=sorted(w.after) if isinstance(w.after, frozenset) else w.after,
        )


def protected_name(obj: ModelObject) -> str | None:
    """The branch or environment an object protects: a settings entry's name, a Terraform
    protection's ``pattern``/``branch``, an environment's ``environment``."""
    if obj.family != TF_FAMILY:
        return str(obj.key[-1])
    body = obj.body if isinstance(obj.body, dict) else {}
    for key in ("pattern", "branch", "environment"):
        value = body.get(key)
        if isinstance(value, str):
            return value
    return None


def _successor(before: ModelObject, ctx: RuleContext, read: Reader) -> ModelObject | None:
    """The head object of the other source that protects the same branch or environment."""
    name = protected_name(before)
    if name is None:
        return None
    for obj in ctx.head.by_key.values():
        if obj.family == before.family or obj.family not in (FAMILY, TF_FAMILY):
            continue
        if protected_name(obj) == name and read(obj) is not None:
            return obj
    return None


def _route(obj: ModelObject, field: str, route: tuple[object, ...]) -> tuple[object, ...]:
    """Settings objects locate by field name; Terraform resources by the route in their body."""
    return (field,) if obj.family != TF_FAMILY else route
