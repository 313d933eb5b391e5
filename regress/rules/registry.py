"""The explicit list of rules. A rule exists when it is listed here, nowhere else."""

from __future__ import annotations

from regress.rules.base import Rule
from regress.rules.ci import action_pin_weakened, test_failure_ignored, test_job_removed
from regress.rules.kubernetes import privileged_container, probe_removed, replicas_reduced
from regress.rules.meta import CONFIG_CHANGED, RULE_ERROR, UNVERIFIABLE

RULES: tuple[Rule, ...] = (
    UNVERIFIABLE,
    RULE_ERROR,
    CONFIG_CHANGED,
    # CI model (every pipeline platform)
    test_job_removed.RULE,
    test_failure_ignored.RULE,
    action_pin_weakened.RULE,
    # Kubernetes
    privileged_container.RULE,
    replicas_reduced.RULE,
    probe_removed.RULE,
)


def by_name_or_code(name: str) -> Rule | None:
    for rule in RULES:
        if name in (rule.code, rule.name) or name.upper() == rule.code:
            return rule
    return None
