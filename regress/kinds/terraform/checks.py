"""Shared machinery for Terraform attribute rules: how an attribute's effective value is read,
which direction is weaker, and how module arguments are judged like the attribute they reach.

A rule declares ``Attr`` specs (resource types, attribute route, a ``Judge`` saying which change
is a weakening, the provider default when the attribute is absent) and gets a check function from
``attr_check``. The check handles, once for every rule:

- modified and renamed resources, with every branch of an environment conditional judged and
  named in the message;
- module calls whose argument reaches the attribute (local modules traced, public modules from a
  table), with an argument left out meaning the module's default;
- added resources, for exposure specs (``on_add``): an added world-open rule is a finding;
- where a value came from: a resource attribute that reads a variable whose default flipped is
  reported at the attribute, with the variable's default as a related location.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from regress.findings import Severity
from regress.kinds.terraform.identity import FAMILY
from regress.kinds.terraform.modules import Target
from regress.kinds.terraform.objects import ModuleCallFacts, ResourceFacts
from regress.kinds.terraform.values import Choice, Unknown, as_bool, as_number, as_str, branches, show
from regress.model import Change, ModelObject, Route, Status
from regress.rules.base import Hit, RuleContext

#: The value is not set and its default is not known: nothing can be concluded.
NOT_KNOWN: Any = Unknown("provider default")


@dataclass(frozen=True, slots=True)
class Verdict:
    """A weakening found by a judge: what to say about it, and an optional severity."""

    detail: str = ""
    severity: Severity | None = None


#: (before, after) effective values → a Verdict when after is weaker, else None.
Judge = Callable[[Any, Any], Verdict | None]


@dataclass(frozen=True)
class Attr:
    types: tuple[str, ...]
    route: tuple[str, ...]
    judge: Judge
    #: Effective value when the attribute is absent (the provider default); NOT_KNOWN when unknown.
    absent: Any = NOT_KNOWN
    #: An added resource with a weak value is a finding (exposure: §0.2.5 of the catalogue).
    on_add: bool = False
    #: How the attribute is named in messages (defaults to the route).
    what: str = ""
    severity: Severity | None = None
    #: Only when this holds for the head body (e.g. only ``GreaterThan`` alarms).
    when: Callable[[dict[str, Any]], bool] | None = None

    @property
    def label(self) -> str:
        return self.what or ".".join(self.route)


# -- judges -----------------------------------------------------------------------------------------


def turned_off(before: Any, after: Any) -> Verdict | None:
    """true → false (encryption, logging, deletion protection)."""
    b, a = as_bool(before), as_bool(after)
    if b is True and a is False:
        return Verdict()
    return None


def turned_on(before: Any, after: Any) -> Verdict | None:
    """false (or not known) → true, for settings where true is the weak side (publicly
    accessible, skip final snapshot). A variable replaced by the weak literal counts (§0.2.6)."""
    a = as_bool(after)
    if a is not True:
        return None
    b = as_bool(before)
    if b is True:
        return None
    return Verdict()


def lowered(before: Any, after: Any, *, zero_is_unlimited: bool = False) -> Verdict | None:
    """A number moved down (retention, capacity); with ``zero_is_unlimited`` 0 means never expire."""
    b, a = as_number(before), as_number(after)
    if b is None or a is None:
        return None
    if zero_is_unlimited:
        b = math.inf if b == 0 else b
        a = math.inf if a == 0 else a
    return Verdict() if a < b else None


def lowered_unlimited_zero(before: Any, after: Any) -> Verdict | None:
    verdict = lowered(before, after, zero_is_unlimited=True)
    if verdict is not None and as_number(before) == 0:
        return Verdict("0 meant never expire")
    return verdict


def raised(before: Any, after: Any) -> Verdict | None:
    """A number moved up where lower is stronger (evaluation periods, hop limit)."""
    b, a = as_number(before), as_number(after)
    if b is None or a is None:
        return None
    return Verdict() if a > b else None


def ranked(order: Sequence[str], case: bool = False) -> Judge:
    """An enum lattice, strongest first; values outside it are not judged."""
    ranks = {(v if case else v.lower()): i for i, v in enumerate(order)}

    def judge(before: Any, after: Any) -> Verdict | None:
        b, a = as_str(before), as_str(after)
        if b is None or a is None:
            return None
        rb = ranks.get(b if case else b.lower())
        ra = ranks.get(a if case else a.lower())
        if rb is None or ra is None:
            return None
        return Verdict() if ra > rb else None

    return judge


def became(*weak: str) -> Judge:
    """Any value → one of ``weak`` (``authorization = "NONE"``)."""
    weak_set = {w.lower() for w in weak}

    def judge(before: Any, after: Any) -> Verdict | None:
        a = as_str(after)
        b = as_str(before)
        if a is None or a.lower() not in weak_set:
            return None
        if b is not None and b.lower() in weak_set:
            return None
        return Verdict()

    return judge


def lost_items(before: Any, after: Any) -> Verdict | None:
    """A set that must keep its members (log types, exported logs)."""
    if not isinstance(before, list) or not isinstance(after, list):
        if isinstance(before, list) and before and after is None:
            return Verdict("removed: " + ", ".join(show(v) for v in before))
        return None
    gone = [v for v in before if not isinstance(v, (Unknown, Choice)) and v not in after]
    if gone:
        return Verdict("removed: " + ", ".join(show(v) for v in gone))
    return None


def removed_value(before: Any, after: Any) -> Verdict | None:
    """Something set → absent or empty (a KMS key, a log group ARN)."""
    if before in (None, "", []) or isinstance(before, Choice):
        return None
    if after in (None, "", []):
        return Verdict()
    return None


# -- reading values ---------------------------------------------------------------------------------


def read(body: Any, route: Sequence[str]) -> tuple[Any, Route, bool]:
    """The value at ``route`` (nested blocks: the first one), the route with block indexes, and
    whether it is present."""
    node = body
    actual: list[Any] = []
    for step in route:
        if isinstance(node, list):
            if not node or not isinstance(node[0], dict):
                return None, tuple(actual), False
            actual.append(0)
            node = node[0]
        if not isinstance(node, dict) or step not in node:
            return None, (*actual, step), False
        actual.append(step)
        node = node[step]
    return node, tuple(actual), True


def effective(body: Any, spec: Attr) -> tuple[Any, Route, bool]:
    value, route, present = read(body, spec.route)
    if not present or value is None:
        return spec.absent, route, False
    return value, route, True


# -- the check --------------------------------------------------------------------------------------


def attr_check(specs: Sequence[Attr]) -> Callable[[Change, RuleContext], Iterator[Hit]]:
    def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
        obj = change.obj
        if obj.type == "module":
            yield from _module_hits(change, ctx, specs)
            return
        for spec in specs:
            if obj.type not in spec.types:
                continue
            yield from _resource_hits(change, ctx, spec)

    return check


def watches(specs: Sequence[Attr], modules: bool = True) -> tuple[tuple[str, str], ...]:
    types = sorted({t for s in specs for t in s.types} | ({"module"} if modules else set()))
    return tuple((FAMILY, t) for t in types)


def _resource_hits(change: Change, ctx: RuleContext, spec: Attr) -> Iterator[Hit]:
    after_obj = change.after
    if after_obj is None:
        return
    if spec.when is not None and not spec.when(after_obj.body):
        return
    after, head_route, present = effective(after_obj.body, spec)
    if change.before is None:
        if change.status is not Status.ADDED or not spec.on_add or not present:
            return
        before, base_route = spec.absent, None
        before_present = False
    else:
        before, base_route_, before_present = effective(change.before.body, spec)
        base_route = base_route_
    related = _variable_source(change, ctx, spec.route)
    for label, b, a, verdict in judge_branches(spec.judge, before, after):
        if change.before is None:
            message = f"{after_obj.label} added with {spec.label} = {show(a)}"
        else:
            message = f"{after_obj.label}: {spec.label} {_shown(b, before_present)} → {_shown(a, present)}"
        if verdict.detail:
            message += f" ({verdict.detail})"
        if label:
            message += f" ({label})"
        message += renamed_note(change)
        if related is not None:
            message += f" (default of variable {related[1]})"
        yield Hit(
            message=message,
            attr=".".join(spec.route),
            head_route=head_route,
            base_route=base_route,
            before=b,
            after=a,
            severity=verdict.severity or spec.severity,
            related=((related[0], ("default",), "head"),) if related is not None else (),
        )


def renamed_note(change: Change) -> str:
    """`` (renamed from x)`` for a pair made by rename detection: the rename may hide the change."""
    if change.status is Status.RENAMED and change.before is not None:
        return f" (renamed from {change.before.label})"
    return ""


def _shown(value: Any, present: bool) -> str:
    if present:
        return show(value)
    if value is NOT_KNOWN or value is None:
        return "absent"
    return f"absent ({show(value)})"


def judge_branches(judge: Judge, before: Any, after: Any) -> Iterator[tuple[str, Any, Any, Verdict]]:
    """Judge every branch of ``after`` against the matching branch of ``before`` (the same
    condition), or against every branch of ``before`` when the conditions differ. Yields
    (branch label, before, after, verdict); the label is "" when ``after`` has one value."""
    after_branches = list(branches(after))
    before_branches = dict(branches(before))
    for label, a in after_branches:
        candidates = [before_branches[label]] if label in before_branches else list(before_branches.values())
        for b in candidates:
            verdict = judge(b, a)
            if verdict is not None:
                shown = label if label in before_branches or not label else f"partial weakening {label}"
                yield shown, b, a, verdict
                break


def _plain(route: Route) -> tuple[str, ...]:
    return tuple(s for s in route if isinstance(s, str))


def _variable_source(change: Change, ctx: RuleContext, route: Sequence[str]) -> tuple[ModelObject, str] | None:
    """The variable whose default gives the attribute its value, when the attribute reads the same
    variable on both sides (so the change came from the variable, not from this line)."""
    before, after = change.before, change.after
    if before is None or after is None:
        return None
    fa, fb = after.facts, before.facts
    if not isinstance(fa, ResourceFacts) or not isinstance(fb, ResourceFacts):
        return None
    want = tuple(route)
    var_after = next((v for r, v in fa.var_routes.items() if _plain(r) == want), None)
    var_before = next((v for r, v in fb.var_routes.items() if _plain(r) == want), None)
    if var_after is None or var_after != var_before:
        return None
    obj = ctx.head.get(FAMILY, (after.key[0], f"var.{var_after}"))
    return (obj, var_after) if obj is not None else None


def _module_hits(change: Change, ctx: RuleContext, specs: Sequence[Attr]) -> Iterator[Hit]:
    after_obj = change.after
    if after_obj is None:
        return
    facts = after_obj.facts
    if not isinstance(facts, ModuleCallFacts):
        return
    before_facts = change.before.facts if change.before is not None else None
    for name, targets in sorted(facts.called.targets.items()):
        spec, target = _match(specs, targets)
        if spec is None or target is None:
            continue
        after, present = _input(after_obj.body, name, facts)
        if change.before is None:
            if not (spec.on_add and present and change.status is Status.ADDED):
                continue
            before: Any = spec.absent
        else:
            assert isinstance(before_facts, ModuleCallFacts)
            before, _ = _input(change.before.body, name, before_facts)
        if before is NOT_KNOWN and after is NOT_KNOWN:
            continue
        for label, b, a, verdict in judge_branches(spec.judge, before, after):
            message = f"{after_obj.label}: {name} {show(b)} → {show(a)} (reaches {spec.label} of {target.where})"
            if verdict.detail:
                message += f" ({verdict.detail})"
            if label:
                message += f" ({label})"
            yield Hit(
                message=message,
                attr=name,
                head_route=(name,),
                base_route=(name,),
                before=b,
                after=a,
                severity=verdict.severity or spec.severity,
            )


def _match(specs: Sequence[Attr], targets: Sequence[Target]) -> tuple[Attr | None, Target | None]:
    for target in targets:
        for spec in specs:
            if target.type in spec.types and tuple(target.route) == tuple(spec.route):
                return spec, target
    return None, None


def _input(body: Any, name: str, facts: ModuleCallFacts) -> tuple[Any, bool]:
    if isinstance(body, dict) and name in body and body[name] is not None:
        return body[name], True
    if name in facts.called.defaults:
        return facts.called.defaults[name], False
    return NOT_KNOWN, False


# -- protective objects removed ---------------------------------------------------------------------


def owner_removed(obj: ModelObject, ctx: RuleContext) -> str | None:
    """The address of an object this one refers to that is gone on the head side: a protective
    object removed together with what it protects is part of that removal (owner-removal rule)."""
    facts = obj.facts
    refs: frozenset[str] = getattr(facts, "refers_to", frozenset())
    folder = obj.key[0]
    for address in sorted(refs):
        key = (folder, address)
        if ctx.base.get(FAMILY, key) is not None and ctx.head.get(FAMILY, key) is None:
            return address
    return None


def count_of(body: Any) -> Any:
    """How many instances a resource declares: ``count`` as a number (a bool counts as 0/1),
    1 without count; None when unknown (``for_each``, an unresolved expression)."""
    if not isinstance(body, dict):
        return None
    if "for_each" in body:
        value = body["for_each"]
        return len(value) if isinstance(value, (list, dict)) else None
    if "count" not in body:
        return 1
    raw = body["count"]
    if isinstance(raw, Choice):
        return raw
    b = raw if isinstance(raw, bool) else None
    if b is not None:
        return int(b)
    n = as_number(raw)
    return int(n) if n is not None else None


#: Resources that only carry monitoring or protection (notification topics, roles, log groups,
#: dashboards): a module made of these and alarms is a monitoring module, not an owner.
PLUMBING = (
    "aws_sns_",
    "aws_iam_",
    "aws_cloudwatch_",
    "aws_kms_",
    "newrelic_",
    "datadog_",
    "grafana_",
    "pagerduty_",
)


def removal_check(types: Sequence[str], what: str) -> Callable[[Change, RuleContext], Iterator[Hit]]:
    """Report a protective object of ``types`` that is removed (or whose count drops to 0), and a
    removed call of a module that creates one, unless what it protects went with it."""
    type_set = frozenset(types)

    def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
        before = change.before
        if before is None:
            return
        if change.status is Status.REMOVED:
            if before.type == "module":
                facts = before.facts
                if not isinstance(facts, ModuleCallFacts):
                    return
                made = sorted(facts.called.resource_types & type_set)
                if not made:
                    return
                # A module that also creates what is protected (a load balancer with its alarms)
                # is an owner going away with its protection: silent, like the resource itself.
                owned = {t for t in facts.called.resource_types - type_set if not t.startswith(PLUMBING)}
                if owned or owner_removed(before, ctx) is not None:
                    return
                yield Hit(
                    message=f"{before.label} removed: the module creates {what} ({', '.join(made)})",
                    attr="",
                    base_route=(),
                )
                return
            if before.type not in type_set or owner_removed(before, ctx) is not None:
                return
            yield Hit(message=f"{before.label} removed ({what})", attr="", base_route=())
            return
        after = change.after
        if after is None or after.type not in type_set:
            return
        nb, na = count_of(before.body), count_of(after.body)
        for label, b, a, _ in judge_branches(_to_zero, nb, na):
            message = f"{after.label}: count {show(b)} → {show(a)}, so {what} is no longer created"
            if label:
                message += f" ({label})"
            route = ("for_each",) if "for_each" in after.body else ("count",)
            yield Hit(message=message, attr="count", head_route=route, base_route=route, before=b, after=a)

    return check


def _to_zero(before: Any, after: Any) -> Verdict | None:
    b, a = as_number(before), as_number(after)
    if b is not None and a is not None and b > 0 and a == 0:
        return Verdict()
    return None


def ranks(order: dict[str, int]) -> Judge:
    """An enum lattice with ties: rank 0 is strongest; values outside it are not judged."""
    table = {k.lower(): v for k, v in order.items()}

    def judge(before: Any, after: Any) -> Verdict | None:
        b, a = as_str(before), as_str(after)
        if b is None or a is None:
            return None
        rb, ra = table.get(b.lower()), table.get(a.lower())
        if rb is None or ra is None:
            return None
        return Verdict() if ra > rb else None

    return judge


WORLD = frozenset({"0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0"})  # noqa: S104 - a CIDR, not a bind address


def is_world(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in WORLD


def gains_world(before: Any, after: Any) -> Verdict | None:
    """A CIDR list (or one CIDR) now admits the whole internet."""

    def world(v: Any) -> bool:
        if isinstance(v, list):
            return any(is_world(x) for x in v)
        return is_world(v)

    if world(after) and not world(before):
        return Verdict()
    return None


def combine(*checks: Callable[[Change, RuleContext], Iterator[Hit]]) -> Callable[[Change, RuleContext], Iterator[Hit]]:
    def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
        for c in checks:
            yield from c(change, ctx)

    return check
