"""Signals as data: which flags narrow a test run, which inputs decide whether a scanner fails, and
which steps notify, report or mark deploys (CATALOGUE.md "Signals" S1–S6).

``classify.py`` says *what* a step is; this module says *how strongly* it does it, so rules can
compare a base and a head step of the same kind. Tables are keyed by the command words or the
action name (lower case, without ``@ref``); flags are matched as the word itself or ``flag=value``.
Facts marked (unverified) in the catalogue stay marked here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

# -- S1: test runners, the flags that narrow them, and the flags that stop them testing ----------


@dataclass(frozen=True, slots=True)
class RunnerFlags:
    #: Command words the runner is recognised by (after unwrapping, see classify.unwrap).
    commands: tuple[str, ...]
    #: Flags that run fewer tests (a flag added in the head narrows the run).
    narrowing: tuple[str, ...] = ()
    #: Flags that make the command build or list tests without running them.
    no_run: tuple[str, ...] = ()
    #: Flags that keep failing tests from failing the command.
    non_failing: tuple[str, ...] = ()
    #: Whether positional arguments name what is tested (paths, packages), so fewer is narrower.
    positional_scope: bool = False
    #: What the runner tests when no scope is given: `go test` alone tests the package in the
    #: current directory only (`go help test`), where `pytest` alone collects everything.
    default_scope: tuple[str, ...] = ()
    #: Scope words are Go package patterns: `./pkg/...` is `pkg` and everything below it, `./pkg`
    #: is that one package (`go help packages`).
    package_patterns: bool = False


RUNNERS: tuple[RunnerFlags, ...] = (
    RunnerFlags(
        ("pytest", "py.test"),
        narrowing=("-k", "-m", "--deselect", "--ignore", "--ignore-glob", "--lf", "--last-failed", "-p no:"),
        no_run=("--co", "--collect-only"),
        non_failing=("--suppress-no-test-exit-code",),
        positional_scope=True,
    ),
    RunnerFlags(("tox",), narrowing=("--skip-env", "--skip-missing-interpreters")),
    RunnerFlags(("nox",), narrowing=("--no-error-on-missing-interpreters",)),
    RunnerFlags(
        ("jest", "react-scripts test", "vitest"),
        narrowing=(
            "--passWithNoTests",
            "--testPathIgnorePatterns",
            "-t",
            "--testNamePattern",
            "-o",
            "--onlyChanged",
            "--changedSince",
            "--findRelatedTests",
            "--exclude",
            "--project",
            "--changed",
        ),
        positional_scope=True,
    ),
    RunnerFlags(("mocha", "ava", "tap"), narrowing=("--invert", "--exclude", "--grep", "--match")),
    RunnerFlags(
        ("cypress run", "playwright test", "wdio run"), narrowing=("--grep-invert", "--grep", "--project", "--spec")
    ),
    RunnerFlags(("nx affected", "turbo", "lerna run"), narrowing=("--filter", "--since", "--affected")),
    RunnerFlags(
        ("go test", "gotestsum", "richgo test", "ginkgo"),
        narrowing=("-run", "-skip", "-short", "-tags"),
        positional_scope=True,
        default_scope=(".",),
        package_patterns=True,
    ),
    RunnerFlags(
        ("cargo test", "cargo nextest"),
        narrowing=("--skip", "--lib", "--doc", "-p", "--package", "--exclude", "--no-default-features", "-E"),
        no_run=("--no-run",),
    ),
    RunnerFlags(
        ("mvn", "./mvnw"),
        narrowing=("-DskipITs", "-Dtest", "-DfailIfNoTests=false", "-pl", "-Djacoco.skip=true"),
        no_run=("-DskipTests", "-Dmaven.test.skip=true", "-Dmaven.test.skip"),
        non_failing=("-Dmaven.test.failure.ignore=true", "-Dmaven.test.failure.ignore"),
    ),
    RunnerFlags(("./gradlew", "gradle"), narrowing=("--tests",), no_run=("-x test", "--exclude-task test", "-x check")),
    RunnerFlags(("dotnet test",), narrowing=("--filter",), positional_scope=True),
    RunnerFlags(("ctest",), narrowing=("-E", "-LE", "-R", "--exclude-regex", "--label-exclude", "--tests-regex")),
    RunnerFlags(("make",), non_failing=("-k", "-i", "--ignore-errors", "--keep-going")),
    RunnerFlags(("meson test",), narrowing=("--no-suite", "--suite")),
    RunnerFlags(("bazel test",), narrowing=("--test_tag_filters", "--test_filter")),
    RunnerFlags(("rspec",), narrowing=("--tag", "--exclude-pattern"), positional_scope=True),
    RunnerFlags(
        ("phpunit", "vendor/bin/phpunit", "pest", "paratest"),
        narrowing=("--exclude-group", "--group", "--filter", "--testsuite"),
    ),
    RunnerFlags(("xcodebuild test",), narrowing=("-skip-testing", "-only-testing")),
    RunnerFlags(("mix test",), narrowing=("--exclude", "--only")),
    RunnerFlags(("R CMD check",), no_run=("--no-tests",)),
)

#: Lint and scanner commands that can be told not to fail (S1b, S2; (unverified) where noted there).
EXIT_ZERO_FLAGS: Mapping[str, tuple[str, ...]] = {
    "ruff": ("--exit-zero",),
    "flake8": ("--exit-zero",),
    "pylint": ("--exit-zero",),
    "bandit": ("--exit-zero",),
    "gosec": ("-no-fail",),
    "golangci-lint": ("--issues-exit-code=0",),
    "gitleaks": ("--exit-code=0", "--exit-code 0"),
    "trivy": ("--exit-code=0", "--exit-code 0"),
    "grype": (),
    "checkov": ("--soft-fail",),
    "terrascan": (),
    "kics": ("--ignore-on-exit",),
}

#: Build transitions that stop running tests (GA-15): (runner words, test goals, build goals).
BUILD_INSTEAD: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    ("mvn", frozenset({"test", "verify", "install", "integration-test"}), frozenset({"package", "compile"})),
    ("./mvnw", frozenset({"test", "verify", "install", "integration-test"}), frozenset({"package", "compile"})),
    ("./gradlew", frozenset({"test", "check", "build", "connectedcheck"}), frozenset({"assemble", "compile"})),
    ("gradle", frozenset({"test", "check", "build", "connectedcheck"}), frozenset({"assemble", "compile"})),
    ("cargo", frozenset({"test", "nextest"}), frozenset({"build", "check"})),
    ("bazel", frozenset({"test"}), frozenset({"build"})),
    ("go", frozenset({"test"}), frozenset({"build", "vet"})),
    ("dotnet", frozenset({"test"}), frozenset({"build"})),
)


# -- S2: scanner and gate knobs ---------------------------------------------------------------------
class KnobKind(enum.Enum):
    #: Truthy blocks; a falsy value (or the default, if falsy) lets findings pass.
    BLOCKS_WHEN_TRUE = "blocks-when-true"
    #: Truthy lets findings pass (``soft_fail``, ``warn-only``).
    PASSES_WHEN_TRUE = "passes-when-true"
    #: An exit code: ``0`` never fails.
    EXIT_CODE = "exit-code"
    #: A level from an ordered scale: a higher threshold fails on fewer findings.
    THRESHOLD = "threshold"
    #: A comma/newline list of what is checked: fewer items check less.
    SCOPE_LIST = "scope-list"
    #: A comma/newline list of what is ignored: more items check less.
    IGNORE_LIST = "ignore-list"


@dataclass(frozen=True, slots=True)
class Knob:
    input: str
    kind: KnobKind
    #: The action's default when the input is absent, as text; None when absent means "nothing".
    default: str | None = None
    #: For THRESHOLD: levels from the one that fails most to the one that fails least.
    scale: tuple[str, ...] = ()
    #: Blocking (the scanner fails the job) or scope (what it checks).
    blocking: bool = True


_TRIVY_SEVERITIES = "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL"

#: Inputs that decide whether a scanner (or coverage upload) fails, by action (S2, S3). The
#: defaults of trivy-action, anchore/scan-action, checkov-action, tfsec-action,
#: kics-github-action, zaproxy actions and dependency-review-action were read from their
#: ``action.yml`` (CATALOGUE.md S2); codecov-action's ``fail_ci_if_error`` default is false
#: (codecov/codecov-action README); the rest are (unverified).
KNOBS: Mapping[str, tuple[Knob, ...]] = {
    "aquasecurity/trivy-action": (
        Knob("exit-code", KnobKind.EXIT_CODE, "0"),
        Knob("severity", KnobKind.SCOPE_LIST, _TRIVY_SEVERITIES, blocking=False),
        Knob("ignore-unfixed", KnobKind.PASSES_WHEN_TRUE, "false", blocking=False),
        Knob("skip-dirs", KnobKind.IGNORE_LIST, blocking=False),
        Knob("skip-files", KnobKind.IGNORE_LIST, blocking=False),
        Knob("trivyignores", KnobKind.IGNORE_LIST, blocking=False),
        Knob("scanners", KnobKind.SCOPE_LIST, "vuln,secret", blocking=False),
    ),
    "anchore/scan-action": (
        Knob("fail-build", KnobKind.BLOCKS_WHEN_TRUE, "true"),
        Knob(
            "severity-cutoff",
            KnobKind.THRESHOLD,
            "medium",
            ("negligible", "low", "medium", "high", "critical"),
            blocking=False,
        ),
        Knob("only-fixed", KnobKind.PASSES_WHEN_TRUE, "false", blocking=False),
    ),
    "bridgecrewio/checkov-action": (
        Knob("soft_fail", KnobKind.PASSES_WHEN_TRUE, "false"),
        Knob("skip_check", KnobKind.IGNORE_LIST, blocking=False),
        Knob("soft_fail_on", KnobKind.IGNORE_LIST),
        Knob("framework", KnobKind.SCOPE_LIST, "all", blocking=False),
    ),
    "aquasecurity/tfsec-action": (Knob("soft_fail", KnobKind.PASSES_WHEN_TRUE, "false"),),
    "checkmarx/kics-github-action": (
        Knob("ignore_on_exit", KnobKind.THRESHOLD, "none", ("none", "errors", "results", "all")),
        Knob("fail_on", KnobKind.SCOPE_LIST, "high,medium,low,info"),
        Knob("disable_secrets", KnobKind.PASSES_WHEN_TRUE, "false", blocking=False),
        Knob("exclude_paths", KnobKind.IGNORE_LIST, blocking=False),
        Knob("exclude_queries", KnobKind.IGNORE_LIST, blocking=False),
    ),
    "actions/dependency-review-action": (
        Knob("warn-only", KnobKind.PASSES_WHEN_TRUE, "false"),
        Knob("fail-on-severity", KnobKind.THRESHOLD, "low", ("low", "moderate", "high", "critical")),
        Knob("vulnerability-check", KnobKind.BLOCKS_WHEN_TRUE, "true"),
        Knob("license-check", KnobKind.BLOCKS_WHEN_TRUE, "true", blocking=False),
        Knob("allow-ghsas", KnobKind.IGNORE_LIST, blocking=False),
        Knob("fail-on-scopes", KnobKind.SCOPE_LIST, "runtime", blocking=False),
    ),
    "zaproxy/action-baseline": (Knob("fail_action", KnobKind.BLOCKS_WHEN_TRUE, "false"),),
    "zaproxy/action-full-scan": (Knob("fail_action", KnobKind.BLOCKS_WHEN_TRUE, "false"),),
    "zaproxy/action-api-scan": (Knob("fail_action", KnobKind.BLOCKS_WHEN_TRUE, "false"),),
    "hadolint/hadolint-action": (
        Knob("no-fail", KnobKind.PASSES_WHEN_TRUE, "false"),
        Knob("failure-threshold", KnobKind.THRESHOLD, "info", ("style", "info", "warning", "error")),
    ),
    "gitleaks/gitleaks-action": (),
    "snyk/actions": (),
    "zizmorcore/zizmor-action": (
        Knob("min-severity", KnobKind.THRESHOLD, "unknown", ("unknown", "informational", "low", "medium", "high")),
    ),
    "microsoft/security-devops-action": (Knob("break", KnobKind.BLOCKS_WHEN_TRUE, "false"),),
    "github/codeql-action/init": (
        Knob("languages", KnobKind.SCOPE_LIST, blocking=False),
        Knob("queries", KnobKind.SCOPE_LIST, blocking=False),
    ),
    "step-security/harden-runner": (
        Knob("egress-policy", KnobKind.THRESHOLD, "block", ("block", "audit"), blocking=False),
        Knob("disable-sudo", KnobKind.BLOCKS_WHEN_TRUE, "false", blocking=False),
    ),
    "codecov/codecov-action": (Knob("fail_ci_if_error", KnobKind.BLOCKS_WHEN_TRUE, "false"),),
    "coverallsapp/github-action": (Knob("fail-on-error", KnobKind.BLOCKS_WHEN_TRUE, "true"),),
}

#: CLI flags of scanners that decide failure or scope (S2), matched like RunnerFlags.narrowing.
SCANNER_CLI_NON_BLOCKING: Mapping[str, tuple[str, ...]] = {
    "semgrep": (),  # without --error (or `semgrep ci`) semgrep scan exits 0 on findings
    "snyk monitor": (),
    "bandit": ("--exit-zero",),
    "trivy": ("--exit-code=0", "--exit-code 0"),
    "gitleaks": ("--exit-code=0", "--exit-code 0"),
}


# -- S5: monitoring, notification and reporting ---------------------------------------------------
#: Deploy markers and post-deploy checks (GA-43); chat/paging actions are classify.NOTIFY.
DEPLOY_MARKER_ACTIONS = (
    "getsentry/action-release",
    "newrelic/deployment-marker-action",
    "treosh/lighthouse-ci-action",
)
DEPLOY_MARKER_COMMANDS = ("sentry-cli releases", "datadog-ci deployment", "k6 run")

#: Actions that retry a command (GA-45; the names are (unverified) in the catalogue).
RETRY_ACTIONS = ("nick-fields/retry", "wandalen/wretry.action", "nick-invision/retry", "kariudo/retry-step")


# -- S6: security-relevant contexts -------------------------------------------------------------------
#: Attacker-controlled contexts (OpenSSF Scorecard Dangerous-Workflow); ``*`` is any one segment.
UNTRUSTED_CONTEXTS = (
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "tojson(github)",
    "tojson(github.event)",
)

#: Triggers whose jobs get secrets and a write token while reacting to outside input (S6).
PRIVILEGED_TRIGGERS = ("pull_request_target", "workflow_run", "issue_comment")

#: Contexts that name the pull request's head (untrusted code) in a checkout ``ref:``.
UNTRUSTED_REFS = (
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "refs/pull/",
)
#: Contexts naming the fork a pull request comes from, as ``actions/checkout``'s ``repository``
#: input takes it (GitHub webhook payloads: ``pull_request.head.repo``, ``workflow_run.head_repository``).
UNTRUSTED_REPOSITORIES = (
    "github.event.pull_request.head.repo.",
    "github.event.workflow_run.head_repository.",
)

#: zizmor ``excessive-permissions`` severity of a ``write`` scope (S6).
HIGH_SCOPES = frozenset(
    {"actions", "attestations", "contents", "deployments", "id-token", "issues", "packages", "pages", "pull-requests"}
)
LOW_SCOPES = frozenset({"models", "statuses"})
#: Every scope ``write-all``/``read-all`` expands to (GitHub docs "Workflow syntax", permissions).
ALL_SCOPES = (
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)
