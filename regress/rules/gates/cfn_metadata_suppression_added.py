"""A CloudFormation resource now tells Checkov, cfn_nag or cfn-lint to skip a check.

## What it does
Reads the suppressions CloudFormation templates (YAML or JSON, SAM too) declare in `Metadata`:
Checkov's `checkov: skip: [{id: …}]` (and `bridgecrew:`), cfn_nag's `cfn_nag: rules_to_suppress:
[{id: …}]` and cfn-lint's `cfn-lint: config: ignore_checks: […]` on a resource or at the top of the
template (where it covers every resource). Each suppression is identified by the template, the
resource's logical id, the tool and the check, and a suppression the head adds to a resource that
did not have it is reported, on new resources and in new templates too. Silent: removing one,
reordering or reformatting them, converting the template between YAML and JSON, renaming a
resource together with its suppressions (a resource of the same type that left the template had
them), and a cfn-lint ignore added to a resource when the template already ignores that check
everywhere. cfn-lint ignores are reported at low severity: most of its checks are about whether
a template deploys, not about security. Skip comments in a template (`#checkov:skip=`,
`#trivy:ignore:`) are `checkov-skip-comment-added`'s and `trivy-ignore-comment-added`'s.

## Why is this bad?
A suppression switches a security check off for one resource from inside the change that needs
it: the scanner stays green while the weakness it exists to catch goes in (CATALOGUE.md §0.2.12:
suppressions are findings).

## Example
```yaml
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_18
            comment: access logs of the log bucket itself
```

## How to resolve
Fix what the check reports, or approve the finding with the reason the exception is safe (the
suppression's own comment or reason is a good start).

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from regress.findings import Category, Severity
from regress.kinds.cloudformation.suppressions import TEMPLATE, TYPE, CfnTool, Suppression, TemplateSuppressions
from regress.kinds.gates.model import FAMILY
from regress.model import Change
from regress.rules.base import Hit, Rule, RuleContext

_NAMES = {
    CfnTool.CHECKOV: "a Checkov skip",
    CfnTool.CFN_NAG: "a cfn_nag suppression",
    CfnTool.CFN_LINT: "a cfn-lint ignore",
}


def _facts(change: Change, side: str) -> TemplateSuppressions | None:
    obj = change.after if side == "head" else change.before
    facts = obj.facts if obj is not None else None
    return facts if isinstance(facts, TemplateSuppressions) else None


def new_suppressions(
    base: TemplateSuppressions | None, head: TemplateSuppressions
) -> Iterator[tuple[int, Suppression]]:
    """(index in head, entry) of every head suppression the base did not have."""
    had = {s.key for s in base.suppressions} if base is not None else set()
    base_ids = {rid for rid, _ in base.resources} if base is not None else set()
    head_ids = {rid for rid, _ in head.resources}
    # Suppressions of base resources that left the template, by (tool, check, type): a new
    # resource of that type with the same suppression is the same resource renamed.
    gone: dict[tuple[str, str, str], int] = {}
    for s in base.suppressions if base is not None else ():
        if s.resource != TEMPLATE and s.resource not in head_ids:
            k = (s.tool.value, s.check, s.resource_type)
            gone[k] = gone.get(k, 0) + 1
    for i, s in enumerate(head.suppressions):
        if s.key in had:
            continue
        if s.resource != TEMPLATE and (s.tool.value, s.check, TEMPLATE) in had:
            continue  # already ignored for the whole template (cfn-lint)
        renamed = (s.tool.value, s.check, s.resource_type)
        if s.resource not in base_ids and gone.get(renamed, 0) > 0:
            gone[renamed] -= 1
            continue
        yield i, s


def check(change: Change, ctx: RuleContext) -> Iterator[Hit]:
    del ctx
    head = _facts(change, "head")
    if head is None:
        return
    seen: set[tuple[str, str, str]] = set()
    for index, s in new_suppressions(_facts(change, "base"), head):
        if s.key in seen:
            continue  # the same check listed twice on one resource
        seen.add(s.key)
        where = (
            f"to the whole template {head.path}"
            if s.resource == TEMPLATE
            else f"to {s.resource} ({s.resource_type or 'no Type'}) in {head.path}"
        )
        reason = f": {s.reason}" if s.reason else ""
        yield Hit(
            message=f"{_NAMES[s.tool]} for {s.check} added {where}{reason}",
            attr=f"{s.tool.value}[{s.resource or '(template)'}:{s.check}]",
            head_route=("suppressions", index),
            before=None,
            after=s.check,
            severity=Severity.LOW if s.tool is CfnTool.CFN_LINT else None,
        )


RULE = Rule(
    code="SP007",
    name="cfn-metadata-suppression-added",
    category=Category.SECURITY,
    severity=Severity.MEDIUM,
    kinds=("cloudformation",),
    watches=((FAMILY, TYPE),),
    check=check,
    doc=__doc__ or "",
    statuses=frozenset({"added", "modified", "renamed", "moved"}),
)
