"""The explicit list of rules. A rule exists when it is listed here, nowhere else."""

from __future__ import annotations

from regress.rules.base import Rule
from regress.rules.ci import (
    security_scan_removed,
    test_failure_ignored,
    test_job_removed,
    test_matrix_shrunk,
    test_step_removed,
)
from regress.rules.github import (
    action_pin_weakened,
    privileged_trigger_added,
    runner_hardening_removed,
    token_permissions_widened,
    untrusted_checkout,
)
from regress.rules.kubernetes import (
    alert_rules_removed,
    api_server_audit_weakened,
    capabilities_added,
    capabilities_no_longer_dropped,
    container_image_unpinned,
    cronjob_safety_weakened,
    default_service_account_used,
    ephemeral_storage_limit_removed,
    host_namespace_shared,
    host_path_mounted,
    host_port_added,
    hpa_weakened,
    ingress_security_weakened,
    log_shipping_removed,
    metrics_scraping_removed,
    network_policy_weakened,
    pdb_loosened,
    pdb_removed,
    pod_security_level_lowered,
    pod_spread_removed,
    priority_class_lowered,
    privilege_escalation_allowed,
    privileged_container,
    probe_loosened,
    probe_removed,
    rbac_rules_widened,
    replicas_reduced,
    resources_removed,
    role_binding_widened,
    rollout_strategy_weakened,
    root_filesystem_writable,
    run_as_root_allowed,
    scanner_ignore_annotation_added,
    scc_loosened,
    seccomp_or_apparmor_relaxed,
    secret_exposed_as_env,
    service_account_token_automounted,
    service_exposed,
    uid_or_gid_lowered,
    volume_retention_weakened,
)
from regress.rules.meta import CONFIG_CHANGED, RULE_ERROR, UNVERIFIABLE

RULES: tuple[Rule, ...] = (
    UNVERIFIABLE,
    RULE_ERROR,
    CONFIG_CHANGED,
    # CI model (every pipeline platform)
    test_job_removed.RULE,
    test_failure_ignored.RULE,
    # CI model rules and GitHub Actions rules (issue 2, GitHub Actions part)
    test_step_removed.RULE,
    test_matrix_shrunk.RULE,
    security_scan_removed.RULE,
    action_pin_weakened.RULE,
    token_permissions_widened.RULE,
    privileged_trigger_added.RULE,
    untrusted_checkout.RULE,
    runner_hardening_removed.RULE,
    # Kubernetes
    privileged_container.RULE,
    replicas_reduced.RULE,
    probe_removed.RULE,
    # Kubernetes: pod and container security
    privilege_escalation_allowed.RULE,
    run_as_root_allowed.RULE,
    uid_or_gid_lowered.RULE,
    root_filesystem_writable.RULE,
    capabilities_added.RULE,
    capabilities_no_longer_dropped.RULE,
    host_namespace_shared.RULE,
    host_port_added.RULE,
    host_path_mounted.RULE,
    seccomp_or_apparmor_relaxed.RULE,
    service_account_token_automounted.RULE,
    default_service_account_used.RULE,
    container_image_unpinned.RULE,
    secret_exposed_as_env.RULE,
    rbac_rules_widened.RULE,
    role_binding_widened.RULE,
    network_policy_weakened.RULE,
    service_exposed.RULE,
    ingress_security_weakened.RULE,
    pod_security_level_lowered.RULE,
    scc_loosened.RULE,
    scanner_ignore_annotation_added.RULE,
    # Kubernetes: reliability
    hpa_weakened.RULE,
    pdb_removed.RULE,
    pdb_loosened.RULE,
    resources_removed.RULE,
    ephemeral_storage_limit_removed.RULE,
    pod_spread_removed.RULE,
    rollout_strategy_weakened.RULE,
    priority_class_lowered.RULE,
    cronjob_safety_weakened.RULE,
    volume_retention_weakened.RULE,
    # Kubernetes: monitoring
    probe_loosened.RULE,
    metrics_scraping_removed.RULE,
    alert_rules_removed.RULE,
    log_shipping_removed.RULE,
    api_server_audit_weakened.RULE,
)


def by_name_or_code(name: str) -> Rule | None:
    for rule in RULES:
        if name in (rule.code, rule.name) or name.upper() == rule.code:
            return rule
    return None
