"""Approvals given through GitHub: who may approve, what an approval covers, and how stored
approvals apply to a new analysis.

- An approval names fingerprints (``all`` = every unapproved finding of the analysis of the head
  the approver saw), and records for each the digest of the head-side value the approver saw. It
  approves a finding only while both still match: a push that adds a violation, or changes the
  value at an approved one (retention 7 → 1 day after 7 → 3 was approved), needs a new approval;
  a push that only removes violations keeps the check green (subset-sticky, like Atlantis' sticky
  policy approvals).
- Who may approve is the base-side config's policy for the finding's category
  (``approvals.categories.<category>``, its keys over the ``approvals:`` defaults): a
  collaborator ``permission`` (default write) as GitHub's collaborator-permission API reports it,
  when ``teams`` are given an active membership of one of them, and never the PR author unless
  ``allow-author: true``. An approval that names findings of several categories approves those
  whose policy the approver meets; the others are left, and the reply says why.
- A finding counts as approved once ``count`` (default 1) distinct people approved it at the same
  head value; the PR author never counts unless ``allow-author: true``. Until then the check run
  and the comment show how many it has (``1 of 2 approvals``).
- Policies are checked when an approval is given, and again at every analysis with the base
  branch's policy of the time: an approval whose approver no longer meets its finding's policy
  (permission, teams, ``allow-author``) does not count, and the finding says why; it is not
  deleted, so a policy relaxed again restores it. ``count`` is applied then too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from regress.config import ApproverPolicy, Config
from regress.engine import Report
from regress.findings import Approval, Category, jsonable
from regress.webhooks.commands import Command
from regress.webhooks.github import Membership, Permission
from regress.webhooks.store import StoredApproval

_RANK = {"write": 1, "maintain": 2, "admin": 3}


def value_digest(after_json: Any) -> str:
    return hashlib.sha256(json.dumps(after_json, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Tally:
    """The approvals of a finding that needs more of them than count."""

    #: Who approved it so far and still counts, oldest first.
    approvers: tuple[str, ...]
    #: How many distinct approvers it needs.
    needed: int
    #: Why each approval that no longer counts does not (the policy was made stricter since).
    lapsed: tuple[str, ...] = ()

    def text(self) -> str:
        return f"{len(self.approvers)} of {self.needed} approvals"


#: Why an approver no longer meets the policy of a category, or None: ``(login, category)``.
Standing = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Applied:
    report: Report
    #: By fingerprint: unapproved findings that have some approvals, but fewer than they need.
    tallies: Mapping[str, Tally] = field(default_factory=dict)


def apply(
    report: Report,
    approvals: Sequence[StoredApproval],
    config: Config | None = None,
    authors: Mapping[int, str] | None = None,
    standing: Standing | None = None,
) -> Applied:
    """The report with every finding that enough live stored approvals cover marked approved.

    ``authors`` maps PR numbers to their authors: an approval by the author of the PR it was
    given on does not count unless the config allows it (it was refused when given; this holds
    when the base branch's policy changed since). ``standing`` says whether an approver still
    meets a category's policy (permission, teams); it is asked only about approvals that match a
    finding, once per approver and category."""
    config = config or Config()
    authors = authors or {}
    live = [a for a in approvals if a.revoked is None]
    verdicts: dict[tuple[str, str], str | None] = {}

    def shortfall(a: StoredApproval, category: str) -> str | None:
        login = a.approver.lower()
        if not config.allow_author and login == authors.get(a.pr_number, "").lower():
            return (
                f"approval by @{a.approver} no longer counts: they are the pull request's author "
                "(the base branch's .regress.yml does not allow it)"
            )
        if standing is None:
            return None
        key = (login, category)
        if key not in verdicts:
            why = standing(a.approver, category)
            verdicts[key] = (
                None if why is None else f"approval by @{a.approver} no longer meets the {category} policy: {why}"
            )
        return verdicts[key]

    findings = []
    tallies: dict[str, Tally] = {}
    for finding in report.findings:
        f = finding
        if not f.approved:
            digest = value_digest(jsonable(f.after))
            by_person: dict[str, StoredApproval] = {}
            lapsed: dict[str, str] = {}
            for a in live:
                if a.fingerprints.get(f.fingerprint) != digest or a.approver.lower() in by_person:
                    continue  # the same person never counts twice
                why = shortfall(a, f.category.value)
                if why is None:
                    by_person[a.approver.lower()] = a
                    lapsed.pop(a.approver.lower(), None)
                else:
                    lapsed.setdefault(a.approver.lower(), why)
            needed = config.approver_policy(f.category.value).count
            matches = list(by_person.values())
            if matches and len(matches) >= needed:
                f = f.approve(_approval(matches))
            elif matches or lapsed:
                tallies[f.fingerprint] = Tally(tuple(a.approver for a in matches), needed, tuple(lapsed.values()))
        findings.append(f)
    out = replace(report, findings=findings)
    out.stats = {
        **report.stats,
        "approved": sum(f.approved for f in findings),
        "violations": sum(not f.approved for f in findings),
    }
    return Applied(out, tallies)


def progress(tallies: Mapping[str, Tally] | None) -> dict[str, str]:
    """What the report says of each finding approved by fewer people than it needs, or whose
    approvals no longer count."""
    out = {}
    for fp, t in sorted((tallies or {}).items()):
        parts = [f"{t.text()} ({', '.join(t.approvers)})"] if t.approvers else []
        out[fp] = "; ".join([*parts, *t.lapsed])
    return out


def _approval(matches: Sequence[StoredApproval]) -> Approval:
    sources = sorted({a.source for a in matches})
    reasons = list(dict.fromkeys(a.reason for a in matches))
    return Approval(
        source="github " + " + ".join(sources),
        reason=" / ".join(reasons),
        by=", ".join(a.approver for a in matches),
        reference=matches[0].source_ref or None,
    )


def lowest_permission(config: Config) -> str:
    """The least collaborator permission any category's policy asks for."""
    levels = [config.approver_policy(c.value).permission for c in Category]
    return min(levels, key=lambda level: _RANK[level])


def refusal(config: Config, permission: Permission | None, sender: str, author: str, *, approving: bool) -> str | None:
    """Why ``sender`` may not approve (or revoke) anything here, or None when they may approve
    something: what each category's policy asks beyond the least permission is
    :func:`policy_refusal`'s."""
    level = lowest_permission(config)
    if approving and sender.lower() == author.lower() and not config.allow_author:
        return (
            "the author of a pull request cannot approve its findings "
            "(the base branch's .regress.yml does not allow it)"
        )
    if permission is None or not permission.at_least(level):
        has = permission.role_name if permission else "none"
        return f"approving needs the {level} permission on this repository; you have {has}"
    return None


def policy_refusal(
    category: str, policy: ApproverPolicy, permission: Permission, membership: Callable[[str], Membership]
) -> str | None:
    """Why someone with ``permission`` may not approve findings of ``category``, or None.
    ``membership(team)`` looks up their membership of one team (called only when needed)."""
    if not permission.at_least(policy.permission):
        return (
            f"approving {category} findings needs the {policy.permission} permission on this repository; "
            f"you have {permission.role_name}"
        )
    if not policy.teams:
        return None
    unreadable = []
    for team in policy.teams:
        found = membership(team)
        if found is Membership.ACTIVE:
            return None
        if found is Membership.UNREADABLE:
            unreadable.append(team)
    teams = " or ".join(policy.teams)
    why = f"approving {category} findings needs an active member of {teams}"
    if unreadable:
        # Never passed on a guess: without the Members permission no team policy can be met.
        why += (
            f"; regress cannot read the members of {', '.join(unreadable)} "
            "(the App needs the organization's Members read permission)"
        )
    return why


def policy_shortfall(
    policy: ApproverPolicy, permission: Permission, membership: Callable[[str], Membership]
) -> str | None:
    """What of ``policy`` someone with ``permission`` no longer meets, or None: the words that
    follow "no longer meets the <category> policy:" (approvals re-checked at an analysis)."""
    if not permission.at_least(policy.permission):
        return f"the {policy.permission} permission (has {permission.role_name})"
    if not policy.teams:
        return None
    unreadable = []
    for team in policy.teams:  # in order, stopping at the first active membership
        found = membership(team)
        if found is Membership.ACTIVE:
            return None
        if found is Membership.UNREADABLE:
            unreadable.append(team)
    why = "team " + " or ".join(policy.teams)
    if unreadable:
        why += (
            f" (members of {', '.join(unreadable)} unreadable: "
            "the App needs the organization's Members read permission)"
        )
    return why


@dataclass(frozen=True)
class Targets:
    #: {fingerprint: value digest} the approval covers.
    covered: dict[str, str]
    #: Named prefixes that match no unapproved finding of the analysed head.
    unknown: tuple[str, ...]
    #: Named prefixes that match more than one finding.
    ambiguous: tuple[str, ...]


def categories(report_json: dict[str, Any]) -> dict[str, str]:
    """{fingerprint: category} of a stored analysis's findings."""
    return {str(f["fingerprint"]): str(f.get("category") or "") for f in report_json.get("findings", [])}


def targets(command: Command, report_json: dict[str, Any]) -> Targets:
    """The findings of a stored analysis an approve command names."""
    open_findings = [f for f in report_json.get("findings", []) if not f.get("approved")]
    if command.all:
        return Targets({f["fingerprint"]: value_digest(f.get("after")) for f in open_findings}, (), ())
    covered: dict[str, str] = {}
    unknown, ambiguous = [], []
    for prefix in command.fingerprints:
        hits = [f for f in open_findings if str(f["fingerprint"]).startswith(prefix)]
        if not hits:
            unknown.append(prefix)
        elif len({h["fingerprint"] for h in hits}) > 1:
            ambiguous.append(prefix)
        else:
            covered[hits[0]["fingerprint"]] = value_digest(hits[0].get("after"))
    return Targets(covered, tuple(unknown), tuple(ambiguous))
