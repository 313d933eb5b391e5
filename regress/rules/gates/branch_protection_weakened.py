"""Branch protection managed as code was loosened or removed.

## What it does
Reads branch protection from Terraform (`github_branch_protection`, `github_branch_protection_v3`,
`github_repository_ruleset` of the integrations/github provider) and from `.github/settings.yml`
(the Probot settings app and safe-settings, `branches[].protection`), and reports, per protected
branch or ruleset:

- fewer required approving reviews (no review block at all counts as 0);
- a protection switched off: stale reviews dismissed on push, code owner review, last-push
  approval, conversation resolution, enforcement for admins, linear history, signed commits,
  "branch up to date before merging";
- force pushes or branch deletion allowed again;
- required status checks lost (a context dropped from the list, or the whole block);
- a ruleset's `enforcement` lowered (`active` → `evaluate` → `disabled`) or bypass actors added;
- the protection removed (the resource, the settings entry, or `protection: null`), unless the
  repository it protects is removed with it.

Absent attributes take the provider's or the REST API's documented defaults. Values that are not
literals (variables without defaults, references) are left unknown, never guessed.

## Why is this bad?
Branch protection is what makes the pull request's reviews and checks mandatory. Loosening it in
the same repository that it protects lets the next change skip every gate this tool and the
reviewers provide.

## Example
```hcl
# base                                        # head
required_pull_request_reviews {               required_pull_request_reviews {
  required_approving_review_count = 2           required_approving_review_count = 1
}                                             }
```

## How to resolve
Keep the protection, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates import protection
from regress.kinds.gates.model import FAMILY
from regress.kinds.gates.repo_settings import BRANCH
from regress.kinds.terraform.identity import FAMILY as TF_FAMILY
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gates.protection_rules import compare

TERRAFORM = {
    "github_branch_protection": protection.branch_graphql,
    "github_branch_protection_v3": protection.branch_rest,
    "github_repository_ruleset": protection.ruleset,
}


def read(obj: ModelObject) -> protection.Fields | None:
    if obj.family == TF_FAMILY:
        reader = TERRAFORM.get(obj.type)
        return reader(obj.body) if reader is not None and isinstance(obj.body, dict) else None
    return obj.facts if obj.type == BRANCH and isinstance(obj.facts, dict) else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    yield from compare(
        change,
        ctx,
        read,
        protection.BRANCH_FIELDS,
        "branch protection",
        "its reviews and checks are no longer required",
    )


RULE = Rule(
    code="CI066",
    name="branch-protection-weakened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=("terraform", "repo-settings"),
    watches=((FAMILY, BRANCH), *((TF_FAMILY, t) for t in sorted(TERRAFORM))),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
