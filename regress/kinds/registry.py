"""The file kinds regress knows, in the order they claim changed paths (first claim wins), and the
model families their objects join."""

from __future__ import annotations

from regress.diff import FamilyDiff
from regress.kinds.azure.handler import AzureHandler
from regress.kinds.base import Handler
from regress.kinds.bitbucket.handler import BitbucketHandler
from regress.kinds.ci import model as ci_model
from regress.kinds.circleci.handler import CircleCIHandler
from regress.kinds.compose import model as compose_model
from regress.kinds.compose.handler import ComposeHandler
from regress.kinds.depupdates.handler import DependencyUpdatesHandler
from regress.kinds.dockerfile import model as docker_model
from regress.kinds.dockerfile.handler import DockerfileHandler
from regress.kinds.dockerfile.ignorefile import DockerignoreHandler
from regress.kinds.gates import model as gates_model
from regress.kinds.gates.codecov import CodecovHandler
from regress.kinds.gates.codeowners import CodeownersHandler
from regress.kinds.gates.js_tests import JsTestsHandler
from regress.kinds.gates.lint_configs import TsconfigHandler
from regress.kinds.gates.precommit import PreCommitHandler
from regress.kinds.gates.python_tools import PythonToolsHandler
from regress.kinds.gates.recipes import TestRecipesHandler
from regress.kinds.gates.repo_settings import RepoSettingsHandler
from regress.kinds.gates.scanners import ScannerConfigHandler
from regress.kinds.github.handler import GitHubActionsHandler
from regress.kinds.gitlab.handler import GitLabHandler
from regress.kinds.helm import model as helm_values
from regress.kinds.helm.handler import HelmHandler
from regress.kinds.kubernetes import identity as k8s_identity
from regress.kinds.kubernetes.handler import KubernetesHandler
from regress.kinds.kustomize.handler import KustomizeHandler
from regress.kinds.openshift.template import OpenShiftTemplateHandler
from regress.kinds.terraform import identity as tf_identity
from regress.kinds.terraform.handler import TerraformHandler

HANDLERS: tuple[Handler, ...] = (
    GitHubActionsHandler(),
    DependencyUpdatesHandler(),
    # Files that gate tests and scans outside the pipeline (several are YAML or JSON, so they
    # come before the manifest handler).
    CodecovHandler(),
    PythonToolsHandler(),
    JsTestsHandler(),
    ScannerConfigHandler(),
    CodeownersHandler(),
    TestRecipesHandler(),
    RepoSettingsHandler(),
    PreCommitHandler(),
    TsconfigHandler(),
    # Before the manifest handler: files included by .gitlab-ci.yml are pipeline files.
    GitLabHandler(),
    CircleCIHandler(),
    BitbucketHandler(),
    AzureHandler(),
    # Charts and kustomizations claim their files before the plain manifest handler sees them:
    # a template is no manifest, and a kustomization's resources are analysed as rendered.
    HelmHandler(),
    KustomizeHandler(),
    OpenShiftTemplateHandler(),
    # Terraform (.tf.json would otherwise be claimed as a manifest)
    TerraformHandler(),
    DockerfileHandler(),
    DockerignoreHandler(),
    ComposeHandler(),
    # The plain manifest handler claims any YAML/JSON file, so it comes last.
    KubernetesHandler(),
)

FAMILIES: dict[str, FamilyDiff] = {
    ci_model.FAMILY: ci_model.DIFF,
    k8s_identity.FAMILY: k8s_identity.DIFF,
    helm_values.FAMILY: helm_values.DIFF,
    gates_model.FAMILY: gates_model.DIFF,
    tf_identity.FAMILY: tf_identity.DIFF,
    docker_model.FAMILY: docker_model.DIFF,
    compose_model.FAMILY: compose_model.DIFF,
}
