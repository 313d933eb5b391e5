"""Deployment environment protection managed as code was loosened or removed.

## What it does
Reads environments from Terraform (`github_repository_environment`) and from
`.github/settings.yml` (`environments[]`, safe-settings) and reports, per environment:

- required reviewers removed (a team or user gone from the list, or the list emptied);
- the wait timer shortened;
- `prevent_self_review` switched off;
- admins allowed to bypass the rules again (`can_admins_bypass`, which defaults to true);
- the deployment branch policy dropped: any branch may deploy where only protected or listed
  branches could;
- the environment removed, unless the repository is removed with it.

## Why is this bad?
Reviewers, wait timers and branch policies are what stand between a merged change and
production; they live in the environment, keyed by its name (CATALOGUE.md S4). A workflow still
saying `environment: production` deploys without them once they are gone.

## Example
```yaml
# .github/settings.yml, base          # head
environments:                         environments:
  - name: production                    - name: production
    wait_timer: 30                        wait_timer: 0
    reviewers:                            reviewers: []
      - {type: Team, id: 1234}
```

## How to resolve
Keep the protections, or approve the finding with the reason.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.gates import protection
from regress.kinds.gates.model import FAMILY
from regress.kinds.gates.repo_settings import ENVIRONMENT
from regress.kinds.terraform.identity import FAMILY as TF_FAMILY
from regress.model import Change, ModelObject
from regress.rules.base import Hit, Rule, RuleContext
from regress.rules.gates.protection_rules import compare


def read(obj: ModelObject) -> protection.Fields | None:
    if obj.family == TF_FAMILY:
        if obj.type != "github_repository_environment" or not isinstance(obj.body, dict):
            return None
        return protection.environment(obj.body, terraform=True)
    return obj.facts if obj.type == ENVIRONMENT and isinstance(obj.facts, dict) else None


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    yield from compare(
        change,
        ctx,
        read,
        protection.ENVIRONMENT_FIELDS,
        "environment protection",
        "deployments to it no longer wait for its reviewers, timer or branch policy",
    )


RULE = Rule(
    code="CI067",
    name="environment-protection-weakened",
    category=Category.SECURITY,
    severity=Severity.HIGH,
    kinds=("terraform", "repo-settings"),
    watches=((FAMILY, ENVIRONMENT), (TF_FAMILY, "github_repository_environment")),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"modified", "renamed", "removed"}),
)
