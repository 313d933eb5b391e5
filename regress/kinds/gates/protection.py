"""Branch and environment protection as code, read into one shape whatever wrote it.

Sources (CATALOGUE.md X-05, X-06):

- Terraform, integrations/github provider: ``github_branch_protection`` (GraphQL names:
  ``allows_force_pushes``, ``allows_deletions``, ``require_signed_commits``…),
  ``github_branch_protection_v3`` (REST names), ``github_repository_ruleset`` (``rules { … }``,
  ``enforcement``, ``bypass_actors``) and ``github_repository_environment`` (``wait_timer``,
  ``reviewers``, ``prevent_self_review``, ``can_admins_bypass``, ``deployment_branch_policy``);
- ``.github/settings.yml`` of the Probot settings app and GitHub's safe-settings, whose
  ``branches[].protection`` and ``environments[]`` use the REST API's names ("Update branch
  protection", "Create or update an environment").

Every field is *protective when true* or ordered so that lower is weaker, and absent fields take
the documented default of their source (provider docs and REST API: force pushes and deletions
not allowed, admins not enforced, `can_admins_bypass` true, `wait_timer` 0). A value that is not
a literal (a variable without default, a reference) is left out: unknown stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from regress.kinds.terraform.values import as_bool, as_number, as_str
from regress.model import Route

#: field → how a reviewer reads it.
BRANCH_FIELDS = {
    "reviews": "required approving reviews",
    "dismiss_stale_reviews": "stale reviews dismissed on push",
    "code_owner_reviews": "code owner review required",
    "last_push_approval": "last push approved by someone else",
    "conversation_resolution": "conversations resolved before merging",
    "enforce_admins": "rules enforced for admins",
    "blocks_force_pushes": "force pushes blocked",
    "blocks_deletions": "branch deletion blocked",
    "linear_history": "linear history required",
    "signatures": "signed commits required",
    "strict": "branch up to date before merging",
    "checks": "required status checks",
    "enforcement": "ruleset enforcement",
    "bypass": "ruleset bypass actors",
}
ENVIRONMENT_FIELDS = {
    "wait_timer": "wait timer (minutes)",
    "reviewers": "required reviewers",
    "prevent_self_review": "self-review prevented",
    "admins_cannot_bypass": "admins cannot bypass",
    "branch_policy": "deployment branch policy",
}
#: Ruleset enforcement: ``evaluate`` only reports, ``disabled`` does nothing (REST "rulesets").
ENFORCEMENT = {"disabled": 0, "evaluate": 1, "active": 2}
#: Deployment branch policy: any branch may deploy, or only protected / listed branches.
BRANCH_POLICY = {"any": 0, "custom": 1, "protected": 1}


@dataclass(frozen=True, slots=True)
class Field:
    value: Any
    #: Where it is written (or the nearest enclosing block when it is a default).
    route: Route


Fields = dict[str, Field]


def _block(body: Any, key: str) -> tuple[dict[str, Any] | None, Route]:
    """A nested block (Terraform: a list of one map; YAML: a map), and its route."""
    value = body.get(key) if isinstance(body, Mapping) else None
    if isinstance(value, list):
        first = value[0] if value and isinstance(value[0], Mapping) else None
        return (dict(first) if first is not None else None), (key, 0)
    if isinstance(value, Mapping):
        return dict(value), (key,)
    return None, (key,)


def _bool(block: Mapping[str, Any] | None, key: str, default: bool | None, at: Route) -> Field | None:
    if block is None or key not in block or block[key] is None:
        return Field(default, at) if default is not None else None
    value = as_bool(block[key])
    return Field(value, (*at, key)) if value is not None else None


def _number(block: Mapping[str, Any] | None, key: str, default: float | None, at: Route) -> Field | None:
    if block is None or key not in block or block[key] is None:
        return Field(default, at) if default is not None else None
    value = as_number(block[key])
    return Field(value, (*at, key)) if value is not None else None


def _strings(value: Any) -> frozenset[str] | None:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        return None
    out = [as_str(v) for v in value]
    return None if any(v is None for v in out) else frozenset(v for v in out if v is not None)


def _put(out: Fields, name: str, field: Field | None) -> None:
    if field is not None:
        out[name] = field


# -- branch protection ----------------------------------------------------------------------------


def branch_rest(body: Mapping[str, Any], prefix: Route = ()) -> Fields:
    """REST-named protection: ``.github/settings.yml`` ``protection`` and
    ``github_branch_protection_v3``."""
    out: Fields = {}
    reviews, r_at = _block(body, "required_pull_request_reviews")
    r_at = (*prefix, *r_at)
    if reviews is None:
        out["reviews"] = Field(0, (*prefix,))
    else:
        # The REST API requires at least one approval once reviews are required (1 by default).
        _put(out, "reviews", _number(reviews, "required_approving_review_count", 1, r_at))
    for name, key in (
        ("dismiss_stale_reviews", "dismiss_stale_reviews"),
        ("code_owner_reviews", "require_code_owner_reviews"),
        ("last_push_approval", "require_last_push_approval"),
    ):
        _put(out, name, _bool(reviews, key, False, r_at))
    checks, c_at = _block(body, "required_status_checks")
    c_at = (*prefix, *c_at)
    _put(out, "strict", _bool(checks, "strict", False, c_at))
    contexts = _strings(checks.get("contexts")) if checks is not None else frozenset()
    if checks is not None and isinstance(checks.get("checks"), list):
        contexts = (contexts or frozenset()) | frozenset(
            str(c.get("context")) for c in checks["checks"] if isinstance(c, Mapping) and c.get("context")
        )
    if contexts is not None:
        out["checks"] = Field(contexts, (*c_at, "contexts") if checks is not None else c_at)
    top = dict(body)
    _put(out, "enforce_admins", _bool(top, "enforce_admins", False, prefix))
    _put(out, "linear_history", _bool(top, "required_linear_history", False, prefix))
    _put(out, "conversation_resolution", _bool(top, "required_conversation_resolution", False, prefix))
    if "require_conversation_resolution" in top:
        _put(out, "conversation_resolution", _bool(top, "require_conversation_resolution", False, prefix))
    _put(out, "signatures", _bool(top, "require_signed_commits", False, prefix))
    _put(out, "signatures", _bool(top, "required_signatures", False, prefix) if "required_signatures" in top else None)
    for name, key in (("blocks_force_pushes", "allow_force_pushes"), ("blocks_deletions", "allow_deletions")):
        allowed = _bool(top, key, False, prefix)
        if allowed is not None:
            out[name] = Field(not allowed.value, allowed.route)
    return out


def branch_graphql(body: Mapping[str, Any]) -> Fields:
    """``github_branch_protection`` (GraphQL names; provider docs: ``required_approving_review_count``
    defaults to 1, ``allows_force_pushes``/``allows_deletions`` to false)."""
    renamed = dict(body)
    for graphql, rest in (
        ("allows_force_pushes", "allow_force_pushes"),
        ("allows_deletions", "allow_deletions"),
        ("require_conversation_resolution", "required_conversation_resolution"),
    ):
        if graphql in renamed:
            renamed[rest] = renamed.pop(graphql)
    out = branch_rest(renamed)
    # Routes follow the names as written.
    for name, graphql in (
        ("blocks_force_pushes", "allows_force_pushes"),
        ("blocks_deletions", "allows_deletions"),
        ("conversation_resolution", "require_conversation_resolution"),
    ):
        if name in out and graphql in body:
            out[name] = Field(out[name].value, (graphql,))
    return out


def ruleset(body: Mapping[str, Any]) -> Fields:
    """``github_repository_ruleset``: its ``rules`` block, ``enforcement`` and ``bypass_actors``."""
    out: Fields = {}
    rules, at = _block(body, "rules")
    rules = rules or {}
    pr, pr_at = _block(rules, "pull_request")
    pr_at = (*at, *pr_at)
    if pr is None:
        out["reviews"] = Field(0, at)
    else:
        _put(out, "reviews", _number(pr, "required_approving_review_count", 0, pr_at))
    for name, key in (
        ("dismiss_stale_reviews", "dismiss_stale_reviews_on_push"),
        ("code_owner_reviews", "require_code_owner_review"),
        ("last_push_approval", "require_last_push_approval"),
        ("conversation_resolution", "required_review_thread_resolution"),
    ):
        _put(out, name, _bool(pr, key, False, pr_at))
    for name, key in (
        ("blocks_force_pushes", "non_fast_forward"),
        ("blocks_deletions", "deletion"),
        ("linear_history", "required_linear_history"),
        ("signatures", "required_signatures"),
    ):
        _put(out, name, _bool(rules, key, False, at))
    checks, c_at = _block(rules, "required_status_checks")
    c_at = (*at, *c_at)
    _put(out, "strict", _bool(checks, "strict_required_status_checks_policy", False, c_at))
    listed = checks.get("required_check") if checks is not None else None
    items = listed if isinstance(listed, list) else []
    out["checks"] = Field(
        frozenset(str(c.get("context")) for c in items if isinstance(c, Mapping) and c.get("context")),
        (*c_at, "required_check") if checks is not None else c_at,
    )
    enforcement = as_str(body.get("enforcement"))
    if enforcement is not None and enforcement in ENFORCEMENT:
        out["enforcement"] = Field(enforcement, ("enforcement",))
    actors = body.get("bypass_actors")
    if isinstance(actors, list):
        out["bypass"] = Field(
            frozenset(
                f"{a.get('actor_type')}:{a.get('actor_id')}:{a.get('bypass_mode', 'always')}"
                for a in actors
                if isinstance(a, Mapping)
            ),
            ("bypass_actors",),
        )
    elif actors is None:
        out["bypass"] = Field(frozenset(), ())
    return out


# -- environments ---------------------------------------------------------------------------------


def environment(body: Mapping[str, Any], terraform: bool) -> Fields:
    """``github_repository_environment`` or a ``settings.yml`` environment."""
    out: Fields = {}
    _put(out, "wait_timer", _number(dict(body), "wait_timer", 0, ()))
    _put(out, "prevent_self_review", _bool(dict(body), "prevent_self_review", False, ()))
    if terraform:
        bypass = _bool(dict(body), "can_admins_bypass", True, ())
        if bypass is not None:
            out["admins_cannot_bypass"] = Field(not bypass.value, bypass.route)
    reviewers = _reviewers(body, terraform)
    if reviewers is not None:
        out["reviewers"] = reviewers
    policy, p_at = _block(body, "deployment_branch_policy")
    if policy is None:
        out["branch_policy"] = Field("any", ())
    elif as_bool(policy.get("protected_branches")) is True:
        out["branch_policy"] = Field("protected", (*p_at, "protected_branches"))
    elif as_bool(policy.get("custom_branch_policies")) is True:
        out["branch_policy"] = Field("custom", (*p_at, "custom_branch_policies"))
    elif all(as_bool(policy.get(k)) is False for k in ("protected_branches", "custom_branch_policies")):
        out["branch_policy"] = Field("any", p_at)
    return out


def _reviewers(body: Mapping[str, Any], terraform: bool) -> Field | None:
    if terraform:
        block, at = _block(body, "reviewers")
        if block is None:
            return Field(frozenset(), ())
        found: set[str] = set()
        for kind in ("teams", "users"):
            values = _strings(block.get(kind))
            if values is None:
                return None
            found.update(f"{kind[:-1]}:{v}" for v in values)
        return Field(frozenset(found), at)
    listed = body.get("reviewers")
    if listed is None:
        return Field(frozenset(), ())
    if not isinstance(listed, list):
        return None
    return Field(
        frozenset(f"{str(r.get('type', '')).lower()}:{r.get('id')}" for r in listed if isinstance(r, Mapping)),
        ("reviewers",),
    )


# -- comparing ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Weakening:
    field: str
    what: str
    before: Any
    after: Any
    head_route: Route
    base_route: Route


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]" if value else "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def weakenings(before: Fields, after: Fields, names: Mapping[str, str]) -> Iterator[Weakening]:
    """Every field of ``after`` weaker than in ``before`` (both known)."""
    for name, label in names.items():
        if name not in before or name not in after:
            continue
        b, a = before[name].value, after[name].value
        what: str | None = None
        if name == "bypass":
            gained = a - b if isinstance(a, frozenset) and isinstance(b, frozenset) else frozenset()
            what = f"{label} gained {_shown(gained)}" if gained else None
        elif isinstance(b, frozenset) and isinstance(a, frozenset):
            lost = b - a
            what = f"{label} lost {_shown(lost)}" if lost else None
        elif name == "enforcement":
            what = f"{label} {b} → {a}" if ENFORCEMENT[a] < ENFORCEMENT[b] else None
        elif name == "branch_policy":
            weaker = BRANCH_POLICY[a] < BRANCH_POLICY[b]
            what = f"{label} {b} branches → any branch" if weaker else None
        elif isinstance(b, bool) and isinstance(a, bool):
            what = f"{label}: {_shown(b)} → {_shown(a)}" if b and not a else None
        elif isinstance(b, (int, float)) and isinstance(a, (int, float)):
            what = f"{label} {_shown(b)} → {_shown(a)}" if a < b else None
        if what is not None:
            yield Weakening(name, what, b, a, after[name].route, before[name].route)
