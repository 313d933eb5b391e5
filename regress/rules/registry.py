"""The explicit list of rules. A rule exists when it is listed here, nowhere else.

Each rule module is listed with the model family its ``RULE`` watches, in catalogue order, and is
imported only when it is needed: a run imports the rules of the families its change loaded objects
for (a pull request touching workflows never imports the Terraform rules), and ``regress rules``,
``regress explain`` and the SARIF report import them all. Importing every rule module cost more
than the analysis of a typical pull request. A test keeps each listed family equal to what the
module's ``RULE`` watches, and every rule module under ``regress/rules/`` listed here.

``RULES`` (every rule, the meta rules first) is still importable from this module; it imports the
whole catalogue on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from regress.rules.base import Rule
from regress.rules.meta import CONFIG_CHANGED, RULE_ERROR, UNVERIFIABLE

#: The engine's own findings: always loaded, whatever the change.
META: tuple[Rule, ...] = (UNVERIFIABLE, RULE_ERROR, CONFIG_CHANGED)

#: (the model families the rule watches, joined by ``+``; its module under ``regress.rules``), in
#: catalogue order. Add a rule with one line, in a block of your own.
MODULES: tuple[tuple[str, str], ...] = (
    # CI model rules (CI0NN) and GitHub-Actions-only rules (GHA0NN); NN is the CATALOGUE.md row GA-NN
    ("ci", "ci.test_job_removed"),
    ("ci", "ci.test_step_removed"),
    ("ci", "ci.test_failure_ignored"),
    ("ci", "ci.test_failure_swallowed"),
    ("ci", "ci.test_disabled_by_condition"),
    ("ci", "ci.test_job_events_narrowed"),
    ("ci", "github.pull_request_trigger_removed"),
    ("ci", "github.trigger_filters_narrowed"),
    ("ci", "ci.test_matrix_shrunk"),
    ("ci", "ci.test_command_narrowed"),
    ("ci", "ci.test_command_replaced"),
    ("ci", "ci.coverage_gate_lowered"),
    ("ci", "ci.deploy_no_longer_waits_for_tests"),
    ("ci", "ci.deploy_runs_despite_failures"),
    ("ci", "github.deploy_environment_removed"),
    ("ci", "github.required_check_aggregator_loosened"),
    ("ci", "github.decoy_required_check"),
    ("ci", "github.token_permissions_widened"),
    ("ci", "github.privileged_trigger_added"),
    ("ci", "github.untrusted_checkout"),
    ("ci", "github.script_injection"),
    ("ci", "github.action_pin_weakened"),
    ("ci", "github.reusable_workflow_pin_weakened"),
    ("ci", "github.job_container_image_unpinned"),
    ("ci", "github.secrets_inherited"),
    ("ci", "github.secrets_outside_environment"),
    ("ci", "github.self_hosted_runner"),
    ("ci", "github.checkout_credentials_persisted"),
    ("ci", "github.insecure_workflow_commands"),
    ("ci", "ci.security_scan_removed"),
    ("ci", "ci.security_scan_non_blocking"),
    ("ci", "ci.security_scan_narrowed"),
    ("ci", "github.runner_hardening_removed"),
    ("ci", "ci.provenance_removed"),
    ("ci", "github.callee_input_default_weakened"),
    ("ci", "github.test_path_filter_narrowed"),
    ("ci", "ci.test_reporting_removed"),
    ("ci", "ci.failure_notification_removed"),
    ("ci", "ci.deploy_check_removed"),
    ("ci", "ci.job_timeout_removed"),
    ("ci", "ci.test_retries_added"),
    ("ci", "github.deploy_cancel_in_progress"),
    ("ci", "github.dependency_updates_removed"),
    # CI model, platforms with manual jobs and deploy gates (GitLab, CircleCI, Azure, Bitbucket)
    ("ci", "ci.test_job_made_manual"),
    ("ci", "ci.deploy_approval_removed"),
    ("ci", "ci.deploy_environment_protection_lost"),
    # GitLab CI
    ("ci", "gitlab.test_job_pipelines_narrowed"),
    ("ci", "gitlab.merge_request_pipelines_dropped"),
    ("ci", "gitlab.test_report_removed"),
    ("ci", "gitlab.child_pipeline_not_awaited"),
    ("ci", "gitlab.security_template_disabled"),
    ("ci", "gitlab.include_pin_weakened"),
    ("ci", "gitlab.deploy_resource_group_removed"),
    ("ci", "gitlab.deploy_made_interruptible"),
    ("ci", "gitlab.test_job_retry_added"),
    ("ci", "gitlab.job_image_unpinned"),
    # CircleCI
    ("ci", "circleci.branch_filters_narrowed"),
    ("ci", "circleci.orb_pin_weakened"),
    # CircleCI: contexts on pull-request jobs (CC-07)
    ("ci", "circleci.context_exposed_to_pull_requests"),
    # Bitbucket Pipelines
    ("ci", "bitbucket.pull_request_pipeline_removed"),
    ("ci", "bitbucket.step_limited_by_changeset"),
    ("ci", "bitbucket.pipe_pin_weakened"),
    # Azure Pipelines
    ("ci", "azure.step_disabled"),
    ("ci", "azure.deploy_condition_loosened"),
    ("ci", "azure.pr_trigger_narrowed"),
    ("ci", "azure.required_template_removed"),
    # Azure Pipelines: test results enforcement (AZ-08)
    ("ci", "azure.test_results_not_enforced"),
    # Files outside the pipeline that gate tests and scans
    ("gates", "gates.codecov_status_weakened"),
    ("gates", "gates.codecov_ci_coupling_loosened"),
    ("gates", "gates.coverage_fail_under_lowered"),
    ("gates", "gates.js_coverage_threshold_lowered"),
    ("gates", "gates.test_script_emptied"),
    ("gates", "gates.tests_excluded_by_config"),
    ("gates", "gates.scanner_suppression_added"),
    ("gates", "gates.scanner_config_weakened"),
    ("gates", "gates.codeowners_protection_removed"),
    # Tests skipped in the code of test files
    ("gates", "gates.test_skipped_in_code"),
    # Coverage gates in JVM and Ruby build files (CV-09)
    ("gates", "gates.build_coverage_gate_lowered"),
    # Kubernetes
    ("kubernetes", "kubernetes.privileged_container"),
    ("kubernetes", "kubernetes.replicas_reduced"),
    ("kubernetes", "kubernetes.probe_removed"),
    # Kubernetes: pod and container security
    ("kubernetes", "kubernetes.privilege_escalation_allowed"),
    ("kubernetes", "kubernetes.run_as_root_allowed"),
    ("kubernetes", "kubernetes.uid_or_gid_lowered"),
    ("kubernetes", "kubernetes.root_filesystem_writable"),
    ("kubernetes", "kubernetes.capabilities_added"),
    ("kubernetes", "kubernetes.capabilities_no_longer_dropped"),
    ("kubernetes", "kubernetes.host_namespace_shared"),
    ("kubernetes", "kubernetes.host_port_added"),
    ("kubernetes", "kubernetes.host_path_mounted"),
    ("kubernetes", "kubernetes.seccomp_or_apparmor_relaxed"),
    ("kubernetes", "kubernetes.service_account_token_automounted"),
    ("kubernetes", "kubernetes.default_service_account_used"),
    ("kubernetes", "kubernetes.container_image_unpinned"),
    ("kubernetes", "kubernetes.secret_exposed_as_env"),
    ("kubernetes", "kubernetes.rbac_rules_widened"),
    ("kubernetes", "kubernetes.role_binding_widened"),
    ("kubernetes", "kubernetes.network_policy_weakened"),
    ("kubernetes", "kubernetes.service_exposed"),
    ("kubernetes", "kubernetes.ingress_security_weakened"),
    ("kubernetes", "kubernetes.pod_security_level_lowered"),
    ("kubernetes", "kubernetes.scc_loosened"),
    ("kubernetes", "kubernetes.scanner_ignore_annotation_added"),
    # Kubernetes: reliability
    ("kubernetes", "kubernetes.hpa_weakened"),
    ("kubernetes", "kubernetes.pdb_removed"),
    ("kubernetes", "kubernetes.pdb_loosened"),
    ("kubernetes", "kubernetes.resources_removed"),
    ("kubernetes", "kubernetes.ephemeral_storage_limit_removed"),
    ("kubernetes", "kubernetes.pod_spread_removed"),
    ("kubernetes", "kubernetes.rollout_strategy_weakened"),
    ("kubernetes", "kubernetes.priority_class_lowered"),
    ("kubernetes", "kubernetes.cronjob_safety_weakened"),
    ("kubernetes", "kubernetes.volume_retention_weakened"),
    # Kubernetes: monitoring
    ("kubernetes", "kubernetes.probe_loosened"),
    ("kubernetes", "kubernetes.metrics_scraping_removed"),
    ("kubernetes", "kubernetes.alert_rules_removed"),
    ("kubernetes", "kubernetes.log_shipping_removed"),
    ("kubernetes", "kubernetes.api_server_audit_weakened"),
    # Helm values conventions (rendered charts go through the Kubernetes rules above)
    ("helm-values", "helm.values_replicas_reduced"),
    ("helm-values", "helm.values_autoscaling_weakened"),
    ("helm-values", "helm.values_pdb_disabled"),
    ("helm-values", "helm.values_resources_removed"),
    ("helm-values", "helm.values_monitoring_disabled"),
    ("helm-values", "helm.values_security_context_weakened"),
    ("helm-values", "helm.values_network_policy_disabled"),
    # Helm values conventions, second set (HV-05, HV-09 to HV-17)
    ("helm-values", "helm.values_probe_disabled"),
    ("helm-values", "helm.values_service_account_weakened"),
    ("helm-values", "helm.values_rbac_widened"),
    ("helm-values", "helm.values_image_unpinned"),
    ("helm-values", "helm.values_ingress_weakened"),
    ("helm-values", "helm.values_service_exposed"),
    ("helm-values", "helm.values_persistence_disabled"),
    ("helm-values", "helm.values_spread_weakened"),
    ("helm-values", "helm.values_host_access_enabled"),
    ("helm-values", "helm.values_protective_subchart_disabled"),
    # Inline scanner suppressions (SP-01, SP-02, SP-03, SP-05)
    ("gates", "gates.checkov_skip_comment_added"),
    ("gates", "gates.trivy_ignore_comment_added"),
    ("gates", "gates.kics_ignore_comment_added"),
    ("gates", "gates.zizmor_ignore_comment_added"),
    # Security suppressions in source code (SP-06)
    ("gates", "gates.security_suppression_comment_added"),
    # Test recipes outside the pipeline (X-01 beyond npm)
    ("gates", "gates.test_recipe_emptied"),
    # pre-commit hooks (SC-14)
    ("gates", "gates.pre_commit_hook_removed"),
    # Lint and type-check settings (SC-17)
    ("gates", "gates.lint_gate_loosened"),
    ("ci", "ci.lint_warning_limit_raised"),
    # Scanner suppressions in CloudFormation templates' Metadata (SP-01 for CloudFormation,
    # cfn_nag, cfn-lint)
    ("gates", "gates.cfn_metadata_suppression_added"),
    # Branch and environment protection as code: the files themselves and the
    # Terraform github provider's resources
    ("gates+terraform", "gates.branch_protection_weakened"),
    ("gates+terraform", "gates.environment_protection_weakened"),
    # Terraform (AWS security TF0xx, monitoring TF1xx, reliability TF2xx; GCP TF3xx; Azure TF4xx;
    # alerting providers TF5xx)
    ("terraform", "terraform.security_group_ingress_opened"),
    ("terraform", "terraform.egress_or_nacl_opened"),
    ("terraform", "terraform.s3_public_access_block_weakened"),
    ("terraform", "terraform.s3_acl_public"),
    ("terraform", "terraform.resource_policy_public"),
    ("terraform", "terraform.s3_encryption_weakened"),
    ("terraform", "terraform.db_encryption_disabled"),
    ("terraform", "terraform.db_publicly_accessible"),
    ("terraform", "terraform.db_iam_auth_disabled"),
    ("terraform", "terraform.ebs_encryption_disabled"),
    ("terraform", "terraform.imds_v1_allowed"),
    ("terraform", "terraform.public_ip_on_launch"),
    ("terraform", "terraform.eks_endpoint_public"),
    ("terraform", "terraform.eks_secrets_encryption_removed"),
    ("terraform", "terraform.kms_key_rotation_disabled"),
    ("terraform", "terraform.tls_downgraded"),
    ("terraform", "terraform.alb_header_validation_disabled"),
    ("terraform", "terraform.lb_internet_facing"),
    ("terraform", "terraform.elasticache_encryption_disabled"),
    ("terraform", "terraform.iam_wildcard_added"),
    ("terraform", "terraform.trust_policy_widened"),
    ("terraform", "terraform.ecr_repository_weakened"),
    ("terraform", "terraform.search_encryption_disabled"),
    ("terraform", "terraform.waf_detached"),
    ("terraform", "terraform.api_auth_removed"),
    ("terraform", "terraform.secret_rotation_removed"),
    ("terraform", "terraform.data_encryption_disabled"),
    ("terraform", "terraform.module_version_unpinned"),
    ("terraform", "terraform.log_retention_cut"),
    ("terraform", "terraform.log_group_protection_removed"),
    ("terraform", "terraform.cloudtrail_weakened"),
    ("terraform", "terraform.flow_log_removed"),
    ("terraform", "terraform.lb_access_logs_disabled"),
    ("terraform", "terraform.log_bucket_expiration_shortened"),
    ("terraform", "terraform.eks_control_plane_logs_reduced"),
    ("terraform", "terraform.rds_telemetry_reduced"),
    ("terraform", "terraform.ec2_detailed_monitoring_disabled"),
    ("terraform", "terraform.service_tracing_disabled"),
    ("terraform", "terraform.search_log_publishing_disabled"),
    ("terraform", "terraform.alarm_removed"),
    ("terraform", "terraform.alarm_silenced"),
    ("terraform", "terraform.alarm_rerouted"),
    ("terraform", "terraform.alarm_less_sensitive"),
    ("terraform", "terraform.notification_subscription_removed"),
    ("terraform", "terraform.detection_service_disabled"),
    ("terraform", "terraform.health_check_weakened"),
    ("terraform", "terraform.backup_retention_cut"),
    ("terraform", "terraform.final_snapshot_skipped"),
    ("terraform", "terraform.deletion_protection_disabled"),
    ("terraform", "terraform.prevent_destroy_removed"),
    ("terraform", "terraform.versioning_suspended"),
    ("terraform", "terraform.bucket_force_destroy_enabled"),
    ("terraform", "terraform.backup_protection_removed"),
    ("terraform", "terraform.high_availability_disabled"),
    ("terraform", "terraform.capacity_reduced"),
    ("terraform", "terraform.ecs_service_capacity_reduced"),
    ("terraform", "terraform.deletion_window_shortened"),
    ("terraform", "terraform.protective_count_reduced"),
    ("terraform", "terraform.resource_no_longer_managed"),
    ("terraform", "terraform.gcp_sql_backups_weakened"),
    ("terraform", "terraform.gcp_sql_exposed"),
    ("terraform", "terraform.gcp_firewall_opened"),
    ("terraform", "terraform.gke_telemetry_disabled"),
    ("terraform", "terraform.gcs_bucket_public_access"),
    ("terraform", "terraform.gke_hardening_weakened"),
    ("terraform", "terraform.azure_public_access_widened"),
    ("terraform", "terraform.azure_storage_redundancy_reduced"),
    ("terraform", "terraform.key_vault_protection_weakened"),
    ("terraform", "terraform.azure_database_backups_weakened"),
    ("terraform", "terraform.nsg_opened"),
    ("terraform", "terraform.azure_monitoring_removed"),
    ("terraform", "terraform.aks_exposure_widened"),
    ("terraform", "terraform.alert_condition_disabled"),
    ("terraform", "terraform.alert_condition_less_sensitive"),
    ("terraform", "terraform.alert_condition_removed"),
    ("terraform", "terraform.grafana_alert_rule_paused"),
    # Dockerfile
    ("dockerfile", "dockerfile.image_runs_as_root"),
    ("dockerfile", "dockerfile.base_image_unpinned"),
    ("dockerfile", "dockerfile.base_image_digest_dropped"),
    ("dockerfile", "dockerfile.base_image_tag_loosened"),
    ("dockerfile", "dockerfile.healthcheck_removed"),
    ("dockerfile", "dockerfile.tls_verification_disabled"),
    ("dockerfile", "dockerfile.package_signatures_disabled"),
    ("dockerfile", "dockerfile.download_and_execute_added"),
    ("dockerfile", "dockerfile.remote_add_without_checksum"),
    ("dockerfile", "dockerfile.secret_in_build_args"),
    ("dockerfile", "dockerfile.ssh_port_exposed"),
    ("dockerfile", "dockerfile.image_tests_removed"),
    ("dockerfile", "dockerfile.dockerignore_loosened"),
    ("dockerfile", "dockerfile.insecure_build_step"),
    # Compose
    ("compose", "compose.privileged_service"),
    ("compose", "compose.compose_capabilities_added"),
    ("compose", "compose.confinement_disabled"),
    ("compose", "compose.compose_host_namespace_shared"),
    ("compose", "compose.service_runs_as_root"),
    ("compose", "compose.dangerous_mount_added"),
    ("compose", "compose.read_only_rootfs_disabled"),
    ("compose", "compose.port_bound_all_interfaces"),
    ("compose", "compose.service_image_unpinned"),
    ("compose", "compose.service_healthcheck_removed"),
    ("compose", "compose.dependency_readiness_weakened"),
    ("compose", "compose.restart_policy_weakened"),
    ("compose", "compose.service_capacity_reduced"),
    ("compose", "compose.service_logging_disabled"),
    ("compose", "compose.protective_service_profiled"),
    ("compose", "compose.secret_inline_environment"),
)


def _load(module: str) -> Rule:
    rule = importlib.import_module(f"regress.rules.{module}").RULE
    if not isinstance(rule, Rule):
        raise TypeError(f"regress.rules.{module}.RULE is no Rule")
    return rule


def rules_for(families: Iterable[str]) -> tuple[Rule, ...]:
    """The meta rules and every rule watching one of ``families``, in catalogue order."""
    wanted = frozenset(families)
    return META + tuple(_load(module) for family, module in MODULES if not wanted.isdisjoint(family.split("+")))


def all_rules() -> tuple[Rule, ...]:
    """Every rule, the meta rules first (imports the whole catalogue)."""
    return META + tuple(_load(module) for _, module in MODULES)


def by_name_or_code(name: str) -> Rule | None:
    for rule in all_rules():
        if name in (rule.code, rule.name) or name.upper() == rule.code:
            return rule
    return None


if TYPE_CHECKING:
    RULES: tuple[Rule, ...]


def __getattr__(name: str) -> Any:
    # ``RULES``, importable as before, built on first use (PEP 562) rather than at import time.
    if name == "RULES":
        return all_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
