"""The file kinds regress knows, in the order they claim changed paths (first claim wins), and the
model families their objects join.

Handlers whose claim a cheap test can rule out are imported when a path could be theirs
(``Lazy``): a pull request of Kubernetes manifests and workflows never imports the Terraform,
Dockerfile, compose, gate-file, GitLab or Helm handlers, whose imports cost more than such a
PR's analysis when Python has to compile them. Each lazy entry says which paths it may claim (by
name, or by a file the snapshot must hold: ``.gitlab-ci.yml``, a ``Chart.yaml`` above the path);
a test checks that the handler claims nothing outside them (every name the handler lists, every
path of the test cases and samples, in their trees). The other handlers are imported as before.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from regress.diff import FamilyDiff
from regress.kinds.azure.handler import AzureHandler
from regress.kinds.base import Handler, LoadContext, LoadResult, Unit
from regress.kinds.bitbucket.handler import BitbucketHandler
from regress.kinds.circleci.handler import CircleCIHandler
from regress.kinds.github.handler import GitHubActionsHandler
from regress.kinds.kubernetes.handler import KubernetesHandler
from regress.kinds.kustomize.handler import KustomizeHandler
from regress.kinds.openshift.template import OpenShiftTemplateHandler
from regress.source.base import Snapshot, join, parent_dirs


@dataclass(frozen=True, slots=True)
class Claims:
    """The paths a handler may claim: a superset of what its ``units`` accepts."""

    #: Exact file names (the last path component).
    names: frozenset[str] = frozenset()
    #: Path endings.
    suffixes: tuple[str, ...] = ()
    #: Words the file name contains, compared in lower case.
    words: tuple[str, ...] = ()
    #: Path beginnings (folders the handler reads every file of).
    prefixes: tuple[str, ...] = ()
    #: With ``suffixes``: only while the snapshot holds this file.
    requires: str | None = None
    #: Any path, while one of its folders (or the root) holds a file of this name.
    parents_with: str | None = None
    #: With ``suffixes``: only files whose first ``CONTENT_BYTES`` hold one of these byte strings
    #: (a kind known by its content, such as a CloudFormation template among YAML files).
    contains: tuple[bytes, ...] = ()

    def may_claim_name(self, name: str, prefixes: tuple[str, ...]) -> bool:
        """``may_claim`` as far as a path's file name and the ``prefixes`` it starts with tell
        (what the snapshot holds is not asked). Suffixes hold no ``/``: a path ends with one
        exactly when its file name does."""
        if name in self.names or any(p in prefixes for p in self.prefixes) or self.parents_with is not None:
            return True
        if self.suffixes and name.endswith(self.suffixes):
            return True
        lower = name.lower()
        return any(w in lower for w in self.words)

    def may_claim(self, path: str, snapshot: Snapshot) -> bool:
        name = path.rpartition("/")[2]
        if name in self.names or path.startswith(self.prefixes):
            return True
        if self.suffixes and path.endswith(self.suffixes):
            if self.requires is not None and snapshot.blob_id(self.requires) is None:
                return False
            return not self.contains or _holds(snapshot, path, self.contains)
        if self.parents_with is not None:
            return any(snapshot.blob_id(join(d, self.parents_with)) is not None for d in parent_dirs(path))
        lower = name.lower()
        return any(w in lower for w in self.words)


#: How much of a file ``Claims.contains`` searches.
CONTENT_BYTES = 1_000_000


def _holds(snapshot: Snapshot, path: str, needles: tuple[bytes, ...]) -> bool:
    try:
        data = snapshot.read(path)[:CONTENT_BYTES]
    except KeyError:
        return False
    return any(n in data for n in needles)


@dataclass(slots=True)
class Lazy:
    """A handler imported the first time a changed path may be its own."""

    module: str
    cls: str
    kind: str
    family: str
    claims: Claims
    _handler: Handler | None = field(default=None, repr=False)

    def handler(self) -> Handler:
        if self._handler is None:
            made: Handler = getattr(importlib.import_module(self.module), self.cls)()
            self._handler = made
        return self._handler

    def units(self, path: str, snapshot: Snapshot) -> list[Unit]:
        if not self.claims.may_claim(path, snapshot):
            return []
        return self.handler().units(path, snapshot)

    def load(self, unit: Unit, ctx: LoadContext) -> LoadResult:
        return self.handler().load(unit, ctx)


HANDLERS: tuple[Handler, ...] = (
    GitHubActionsHandler(),
    Lazy(
        "regress.kinds.depupdates.handler",
        "DependencyUpdatesHandler",
        "dependency-updates",
        "ci",
        Claims(
            names=frozenset(
                {
                    "dependabot.yml",
                    "dependabot.yaml",
                    "renovate.json",
                    "renovate.json5",
                    ".renovaterc",
                    ".renovaterc.json",
                    ".renovaterc.json5",
                }
            )
        ),
    ),
    # Files that gate tests and scans outside the pipeline (several are YAML or JSON, so they
    # come before the manifest handler).
    Lazy(
        "regress.kinds.gates.codecov",
        "CodecovHandler",
        "codecov",
        "gates",
        Claims(names=frozenset({"codecov.yml", ".codecov.yml", "codecov.yaml", ".codecov.yaml"})),
    ),
    Lazy(
        "regress.kinds.gates.python_tools",
        "PythonToolsHandler",
        "python-tools",
        "gates",
        Claims(
            names=frozenset(
                {
                    ".coveragerc",
                    "setup.cfg",
                    "tox.ini",
                    "pyproject.toml",
                    "pytest.ini",
                    ".pytest.ini",
                    ".bandit",
                    "ruff.toml",
                    ".ruff.toml",
                    ".flake8",
                    "mypy.ini",
                    ".mypy.ini",
                }
            )
        ),
    ),
    Lazy(
        "regress.kinds.gates.js_tests",
        "JsTestsHandler",
        "js-tests",
        "gates",
        Claims(
            names=frozenset(
                {
                    "package.json",
                    ".nycrc",
                    ".nycrc.json",
                    ".nycrc.yml",
                    ".nycrc.yaml",
                    "nyc.config.js",
                    ".c8rc",
                    ".c8rc.json",
                }
            ),
            words=("jest.config.", "vitest.config.", "vite.config."),
        ),
    ),
    Lazy(
        "regress.kinds.gates.scanners",
        "ScannerConfigHandler",
        "scanner-config",
        "gates",
        Claims(
            names=frozenset(
                {
                    ".trivyignore",
                    ".trivyignore.yaml",
                    "trivy.yaml",
                    ".gitleaksignore",
                    ".gitleaks.toml",
                    ".semgrepignore",
                    ".snyk",
                    ".checkov.yaml",
                    ".checkov.yml",
                    "zizmor.yml",
                    "zizmor.yaml",
                    ".grype.yaml",
                    ".grype.yml",
                    "codeql-config.yml",
                    "codeql-config.yaml",
                    "dependency-review-config.yml",
                    "actionlint.yaml",
                    "actionlint.yml",
                    "sonar-project.properties",
                    "kics.config",
                    ".kube-linter.yaml",
                    ".kube-linter.yml",
                    "polaris.yaml",
                    "polaris.yml",
                    ".polaris.yaml",
                    "polaris-config.yaml",
                }
            )
        ),
    ),
    Lazy(
        "regress.kinds.gates.codeowners",
        "CodeownersHandler",
        "codeowners",
        "gates",
        Claims(names=frozenset({"CODEOWNERS"})),
    ),
    Lazy(
        "regress.kinds.gates.recipes",
        "TestRecipesHandler",
        "test-recipes",
        "gates",
        Claims(names=frozenset({"GNUmakefile", "makefile", "Makefile", "justfile", "Justfile", ".justfile"})),
    ),
    Lazy(
        "regress.kinds.gates.build_coverage",
        "BuildCoverageHandler",
        "build-coverage",
        "gates",
        Claims(
            names=frozenset(
                {
                    "build.gradle",
                    "build.gradle.kts",
                    "pom.xml",
                    ".simplecov",
                    "spec_helper.rb",
                    "rails_helper.rb",
                    "test_helper.rb",
                    "tarpaulin.toml",
                    ".tarpaulin.toml",
                }
            ),
            # Convention plugins under buildSrc (any `*.gradle(.kts)` name).
            suffixes=(".gradle", ".gradle.kts"),
        ),
    ),
    Lazy(
        "regress.kinds.gates.coverlet",
        "CoverletHandler",
        "msbuild-coverage",
        "gates",
        Claims(
            names=frozenset({"Directory.Build.props", "Directory.Build.targets"}),
            suffixes=(".csproj", ".fsproj", ".vbproj"),
        ),
    ),
    Lazy(
        "regress.kinds.gates.repo_settings",
        "RepoSettingsHandler",
        "repo-settings",
        "gates",
        Claims(names=frozenset({"settings.yml", "settings.yaml"}), prefixes=(".github/repos/",)),
    ),
    Lazy(
        "regress.kinds.gates.precommit",
        "PreCommitHandler",
        "pre-commit",
        "gates",
        Claims(names=frozenset({".pre-commit-config.yaml"})),
    ),
    Lazy(
        "regress.kinds.gates.lint_configs",
        "TsconfigHandler",
        "lint-config",
        "gates",
        Claims(words=("tsconfig.",)),
    ),
    Lazy(
        "regress.kinds.gates.lint_baselines",
        "LintBaselineHandler",
        "lint-config",
        "gates",
        Claims(
            names=frozenset(
                {
                    "phpstan-baseline.neon",
                    "phpstan-baseline.php",
                    "phpstan.neon",
                    "phpstan.neon.dist",
                    "phpstan.dist.neon",
                    ".rubocop_todo.yml",
                    "eslint-suppressions.json",
                }
            )
        ),
    ),
    # Before the manifest handler: files included by .gitlab-ci.yml are pipeline files (none
    # without a .gitlab-ci.yml).
    Lazy(
        "regress.kinds.gitlab.handler",
        "GitLabHandler",
        "gitlab-ci",
        "ci",
        Claims(names=frozenset({".gitlab-ci.yml"}), suffixes=(".yml", ".yaml"), requires=".gitlab-ci.yml"),
    ),
    CircleCIHandler(),
    BitbucketHandler(),
    AzureHandler(),
    # Charts and kustomizations claim their files before the plain manifest handler sees them:
    # a template is no manifest, and a kustomization's resources are analysed as rendered.
    Lazy("regress.kinds.helm.handler", "HelmHandler", "helm", "kubernetes", Claims(parents_with="Chart.yaml")),
    KustomizeHandler(),
    OpenShiftTemplateHandler(),
    # Terraform (.tf.json would otherwise be claimed as a manifest)
    Lazy(
        "regress.kinds.terraform.handler",
        "TerraformHandler",
        "terraform",
        "terraform",
        Claims(suffixes=(".tf", ".tf.json", ".tfvars", ".tfvars.json")),
    ),
    Lazy(
        "regress.kinds.dockerfile.handler",
        "DockerfileHandler",
        "dockerfile",
        "dockerfile",
        Claims(words=("dockerfile", "containerfile")),
    ),
    Lazy(
        "regress.kinds.dockerfile.ignorefile",
        "DockerignoreHandler",
        "dockerfile",
        "dockerfile",
        Claims(suffixes=(".dockerignore",)),
    ),
    Lazy("regress.kinds.compose.handler", "ComposeHandler", "compose", "compose", Claims(words=("compose",))),
    # CloudFormation templates are YAML or JSON files known by their content: before the plain
    # manifest handler, and imported only when a changed file mentions CloudFormation at all.
    Lazy(
        "regress.kinds.cloudformation.handler",
        "CloudFormationHandler",
        "cloudformation",
        "gates",
        Claims(suffixes=(".yaml", ".yml", ".json", ".template"), contains=(b"AWS::", b"AWSTemplateFormatVersion")),
    ),
    # The plain manifest handler claims any YAML/JSON file, so it comes last.
    KubernetesHandler(),
    # Source files, read for security suppression comments and tests skipped in code only (no
    # other handler claims them).
    Lazy(
        "regress.kinds.gates.source_code",
        "SourceSuppressionsHandler",
        "source-code",
        "gates",
        Claims(suffixes=(".py", ".go", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".java", ".kt", ".rs")),
    ),
)


_PREFIXES = tuple(p for h in HANDLERS if isinstance(h, Lazy) for p in h.claims.prefixes)


def candidates(path: str) -> tuple[Handler, ...]:
    """The handlers that may claim ``path``, in claiming order: the lazy ones whose claim the
    path alone rules out are left out. Every changed path is offered to the handlers on both
    sides (and the files around a changed one again), and most are ruled out by every lazy
    handler; the answer depends only on the file name and the claimed folders the path lies
    in, which repeat across a tree, so it is kept per (name, folders)."""
    return _candidates(path.rpartition("/")[2], tuple(p for p in _PREFIXES if path.startswith(p)))


@functools.lru_cache(maxsize=4096)
def _candidates(name: str, prefixes: tuple[str, ...]) -> tuple[Handler, ...]:
    return tuple(h for h in HANDLERS if not isinstance(h, Lazy) or h.claims.may_claim_name(name, prefixes))


#: Each model family and the module holding its ``DIFF`` settings, in diff order.
FAMILY_MODULES: Mapping[str, str] = MappingProxyType(
    {
        "ci": "regress.kinds.ci.model",
        "kubernetes": "regress.kinds.kubernetes.identity",
        "helm-values": "regress.kinds.helm.model",
        "gates": "regress.kinds.gates.model",
        "terraform": "regress.kinds.terraform.identity",
        "dockerfile": "regress.kinds.dockerfile.model",
        "compose": "regress.kinds.compose.model",
    }
)


class _Families(Mapping[str, FamilyDiff]):
    """Each model family's diff settings, its module imported when the family is first diffed."""

    def __getitem__(self, family: str) -> FamilyDiff:
        diff = importlib.import_module(FAMILY_MODULES[family]).DIFF
        if not isinstance(diff, FamilyDiff):
            raise TypeError(f"{FAMILY_MODULES[family]}.DIFF is no FamilyDiff")
        return diff

    def __iter__(self) -> Iterator[str]:
        return iter(FAMILY_MODULES)

    def __len__(self) -> int:
        return len(FAMILY_MODULES)


FAMILIES: Mapping[str, FamilyDiff] = _Families()
