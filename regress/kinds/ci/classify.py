"""What a CI step or job is for, from the commands it runs and the actions it uses.

Classes: ``test``, ``security`` (a scanner), ``lint``, ``coverage``, ``deploy``, ``notify``,
``report`` (test/coverage result publishing), ``hardening`` (runner hardening), ``provenance``
(signing, SBOM, attestations). The tables follow CATALOGUE.md "Signals"; users extend them in
``.regress.yml`` (``classify:``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from regress.kinds.ci.shell import Command, change_dir, split, walk
from regress.kinds.ci.signals import RUNNERS

TEST, SECURITY, LINT, COVERAGE, DEPLOY, NOTIFY, REPORT, HARDENING, PROVENANCE = (
    "test",
    "security",
    "lint",
    "coverage",
    "deploy",
    "notify",
    "report",
    "hardening",
    "provenance",
)

#: Wrappers stripped before the command is recognised (``python -m pytest`` is ``pytest``).
_WRAPPERS: dict[str, int] = {
    "uv": 2,
    "poetry": 2,
    "pdm": 2,
    "hatch": 2,
    "pipenv": 2,
    "rye": 2,  # "<tool> run X"
    "npx": 1,
    "bunx": 1,
    "pnpx": 1,
    "bundle": 2,  # bundle exec X
    "nix": 0,
    "coverage": 2,  # coverage run -m pytest → handled below
}

#: Test runners: first word(s) of a command (after unwrapping).
TEST_COMMANDS: tuple[str, ...] = (
    "pytest",
    "py.test",
    "tox",
    "nox",
    "unittest",
    "nose2",
    "trial",
    "manage.py test",
    "npm test",
    "npm t",
    "npm run test*",
    "yarn test",
    "yarn run test*",
    "pnpm test",
    "pnpm run test*",
    "pnpm -r test",
    "bun test",
    "jest",
    "vitest",
    "mocha",
    "ava",
    "tap",
    "node --test",
    "karma",
    "jasmine",
    "cypress run",
    "playwright test",
    "wdio",
    "testcafe",
    "nx test",
    "nx affected",
    "nx run-many",
    "turbo run test*",
    "turbo test*",
    "lerna run test*",
    "go test",
    "gotestsum",
    # kyoh86/richgo: `richgo test` is `go test` with coloured output (its README, "Usage").
    "richgo test",
    "ginkgo",
    "cargo test",
    "cargo nextest",
    "cargo tarpaulin",
    "cargo llvm-cov",
    "mvn test",
    "mvn verify",
    "mvn install",
    "mvn package",
    "mvn -B test",
    "mvn -B verify",
    "mvn -B install",
    "./mvnw test",
    "./mvnw verify",
    "./gradlew test",
    "./gradlew check",
    "./gradlew build",
    "gradle test",
    "gradle check",
    "gradle build",
    "./gradlew connectedCheck",
    "dotnet test",
    "vstest.console",
    "ctest",
    "make test",
    "make check",
    "make tests",
    "meson test",
    "ninja test",
    "bazel test",
    "rspec",
    "rake test",
    "rake spec",
    "rails test",
    "cucumber",
    "phpunit",
    "vendor/bin/phpunit",
    "pest",
    "vendor/bin/pest",
    "paratest",
    "codecept run",
    "composer test",
    # Laravel's runner (laravel.com/docs, "Testing: Running Tests"): `php artisan test`, which
    # `unwrap` reads as `artisan test`.
    "artisan test",
    "swift test",
    "xcodebuild test",
    "fastlane scan",
    "flutter test",
    "dart test",
    "mix test",
    "cabal test",
    "stack test",
    "zig build test",
    "deno test",
    "R CMD check",
    "julia --project -e *test*",
    "just test",
    "task test",
    "make unit*",
    "make integration*",
    "make e2e*",
    "make test-*",
    "make *-test",
    "make *-tests",
    "hatch test",
    # `hatch run ENV:SCRIPT` (unwrapped to `ENV:SCRIPT`) runs a script of a Hatch environment
    # (Hatch docs, "Environments": `hatch run test:cov`): a test environment's or a test script.
    "test:*",
    "tests:*",
    "*:test",
    "*:tests",
    "*:test-*",
    "circleci tests run",
    # Bash Automated Testing System (bats-core): runs the .bats files it is given.
    "bats",
    # Scripts named as test runners: `script/test` ("Scripts To Rule Them All", github/scripts-to-
    # rule-them-all), `test.sh`, `run_tests.sh`, `test-integration.sh`. What they run is not read;
    # their name says tests, as a job's name does (TEST_JOB_WORDS).
    "script/test",
    "scripts/test",
    # A script named `test` at the checkout's root, started by its path (`./test`, etcd's runner
    # of its test passes); the bare word `test` is the shell's test builtin (POSIX `test`), not this.
    "./test",
    "test.sh",
    "tests.sh",
    "test-*.sh",
    "test_*.sh",
    "*-test.sh",
    "*_test.sh",
    "*-tests.sh",
    "*_tests.sh",
    "runtest.sh",
    "runtests.sh",
    # Scripts named after the test runner they drive: `runtox.sh` picks tox environments.
    "runtox.sh",
    "run-tox.sh",
    "run_tox.sh",
    # A repository script given `test` as its command: `python setup.py test` (setuptools'
    # test command), Rust's `./x.py test`, `python ci.py test`, `./build.sh test`.
    "*.py test",
    "*.py tests",
    "*.sh test",
    "*.sh tests",
    "*.js test",
    "*.rb test",
    "*.pl test",
)
SECURITY_COMMANDS: tuple[str, ...] = (
    "codeql",
    "semgrep",
    "bandit",
    "gosec",
    "sonar-scanner",
    "snyk test",
    "snyk code test",
    "snyk container test",
    "snyk iac test",
    "npm audit",
    "yarn audit",
    "pnpm audit",
    "pip-audit",
    "safety check",
    "safety scan",
    "osv-scanner",
    "govulncheck",
    "cargo audit",
    "cargo deny",
    "bundle audit",
    "bundler-audit",
    "composer audit",
    "dependency-check",
    "trivy",
    "grype",
    "checkov",
    "tfsec",
    "kics",
    "terrascan",
    "kube-score",
    "kube-linter",
    "kubesec",
    "polaris",
    "gitleaks",
    "trufflehog",
    "detect-secrets",
    "ggshield",
    "zap-baseline.py",
    "zap-full-scan.py",
    "nuclei",
    "zizmor",
    "hadolint",
    "conftest test",
    "scorecard",
    "msdo",
)
LINT_COMMANDS: tuple[str, ...] = (
    "ruff",
    "flake8",
    "pylint",
    "black --check",
    "isort --check*",
    "mypy",
    "pyright",
    "eslint",
    "prettier --check",
    "tsc --noEmit",
    "biome ci",
    "biome check",
    "golangci-lint",
    "go vet",
    "staticcheck",
    "cargo clippy",
    "cargo fmt",
    "pre-commit run",
    "shellcheck",
    "yamllint",
    "actionlint",
    "markdownlint",
    "terraform fmt",
    "terraform validate",
    "tflint",
    "helm lint",
    "kubeconform",
    "rubocop",
    "phpstan",
    "psalm",
    "npm run lint*",
    "yarn lint",
    "pnpm lint",
    "make lint",
)
COVERAGE_COMMANDS: tuple[str, ...] = ("coverage report", "codecov", "coveralls", "nyc", "c8")
DEPLOY_COMMANDS: tuple[str, ...] = (
    "kubectl apply",
    "kubectl rollout",
    "helm upgrade",
    "helm install",
    "terraform apply",
    "pulumi up",
    "cdk deploy",
    "serverless deploy",
    "sls deploy",
    "aws deploy",
    "gcloud deploy",
    "gcloud run deploy",
    "gcloud app deploy",
    "az webapp deploy",
    "fly deploy",
    "flyctl deploy",
    "vercel --prod",
    "netlify deploy",
    "twine upload",
    "npm publish",
    "cargo publish",
    "gem push",
    "docker push",
    "ansible-playbook",
    "kustomize build",
    "argocd app sync",
)
NOTIFY_COMMANDS: tuple[str, ...] = ()
#: Signing, attestation and SBOM commands (CATALOGUE.md S2 "provenance").
PROVENANCE_COMMANDS: tuple[str, ...] = (
    "cosign sign",
    "cosign sign-blob",
    "cosign attest",
    "syft",
    "cyclonedx-py",
    "cyclonedx-npm",
    "gh attestation",
    "notation sign",
)

#: ``uses:`` prefixes (owner/repo[/path]) → class. Matched without the ``@ref``.
ACTION_CLASSES: dict[str, str] = {
    "github/codeql-action": SECURITY,
    "semgrep/semgrep-action": SECURITY,
    "returntocorp/semgrep-action": SECURITY,
    "actions/dependency-review-action": SECURITY,
    "aquasecurity/trivy-action": SECURITY,
    "aquasecurity/tfsec-action": SECURITY,
    "anchore/scan-action": SECURITY,
    "bridgecrewio/checkov-action": SECURITY,
    "checkmarx/kics-github-action": SECURITY,
    "trufflesecurity/trufflehog": SECURITY,
    "gitleaks/gitleaks-action": SECURITY,
    "zaproxy/action-baseline": SECURITY,
    "zaproxy/action-full-scan": SECURITY,
    "zaproxy/action-api-scan": SECURITY,
    "ossf/scorecard-action": SECURITY,
    "zizmorcore/zizmor-action": SECURITY,
    "snyk/actions": SECURITY,
    "sonarsource/sonarcloud-github-action": SECURITY,
    "sonarsource/sonarqube-scan-action": SECURITY,
    "sonarsource/sonarqube-quality-gate-action": SECURITY,
    "pypa/gh-action-pip-audit": SECURITY,
    "google/osv-scanner-action": SECURITY,
    "golang/govulncheck-action": SECURITY,
    "rustsec/audit-check": SECURITY,
    "embarkstudios/cargo-deny-action": SECURITY,
    "hadolint/hadolint-action": SECURITY,
    "tenable/terrascan-action": SECURITY,
    "microsoft/security-devops-action": SECURITY,
    "ggshield/ggshield-action": SECURITY,
    "gitguardian/ggshield-action": SECURITY,
    "jetbrains/qodana-action": SECURITY,
    "projectdiscovery/nuclei-action": SECURITY,
    "stackhawk/hawkscan-action": SECURITY,
    "step-security/harden-runner": HARDENING,
    "actions/attest-build-provenance": PROVENANCE,
    "actions/attest-sbom": PROVENANCE,
    "actions/attest": PROVENANCE,
    "slsa-framework/slsa-github-generator": PROVENANCE,
    "sigstore/cosign-installer": PROVENANCE,
    "anchore/sbom-action": PROVENANCE,
    "codecov/codecov-action": COVERAGE,
    "coverallsapp/github-action": COVERAGE,
    "enricomi/publish-unit-test-result-action": REPORT,
    "dorny/test-reporter": REPORT,
    "mikepenz/action-junit-report": REPORT,
    "cypress-io/github-action": TEST,
    "julia-actions/julia-runtest": TEST,
    "slackapi/slack-github-action": NOTIFY,
    "8398a7/action-slack": NOTIFY,
    "rtcamp/action-slack-notify": NOTIFY,
    "dawidd6/action-send-mail": NOTIFY,
    "pagerduty/pagerduty-change-events-action": NOTIFY,
    "getsentry/action-release": NOTIFY,
    "newrelic/deployment-marker-action": NOTIFY,
}

#: Job ids/names that mark a test job (Scorecard CI-Tests substrings, CATALOGUE.md Signals).
TEST_JOB_WORDS = ("test", "tests", "unit", "integration", "e2e", "check", "spec")
#: Job ids/names that mark a deploy job, on every CI platform.
DEPLOY_JOB_WORDS = frozenset({"deploy", "deployment", "release", "publish", "rollout", "promote"})
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Patterns:
    """Command and action patterns per class; ``extended`` merges user patterns from config."""

    commands: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            TEST: TEST_COMMANDS,
            SECURITY: SECURITY_COMMANDS,
            LINT: LINT_COMMANDS,
            COVERAGE: COVERAGE_COMMANDS,
            DEPLOY: DEPLOY_COMMANDS,
            NOTIFY: NOTIFY_COMMANDS,
            PROVENANCE: PROVENANCE_COMMANDS,
        }
    )
    actions: Mapping[str, str] = field(default_factory=lambda: dict(ACTION_CLASSES))

    @cached_property
    def command_index(self) -> CommandIndex:
        """The command patterns indexed by their first word (built once per Patterns)."""
        return CommandIndex.build(self.commands)

    def extended(self, commands: Mapping[str, Sequence[str]], actions: Mapping[str, str]) -> Patterns:
        merged = {k: tuple(v) for k, v in self.commands.items()}
        for cls, pats in commands.items():
            merged[cls] = merged.get(cls, ()) + tuple(pats)
        acts = dict(self.actions)
        acts.update({k.lower(): v for k, v in actions.items()})
        return Patterns(merged, acts)


@dataclass(frozen=True)
class CommandIndex:
    """Which (class, pattern) pairs can match a command, looked up by its first word.

    Matching every pattern against every command of every step dominated the cost of loading
    workflows (hundreds of patterns times thousands of commands); almost every pattern starts with
    a literal word, so only the few sharing the command's first word (or its base name) need the
    full ``command_matches`` check. Patterns whose first word has wildcards are always checked.
    """

    literal: Mapping[str, tuple[tuple[str, str], ...]]
    wild: tuple[tuple[str, str], ...]
    #: The wildcard patterns' first words as one expression: a command whose first word (as
    #: written, without ``./``, or its base name) matches none of them needs no wildcard check,
    #: which is almost every command (the test-script patterns `test-*.sh`, `*:test`, …).
    wild_first: re.Pattern[str] | None = None

    @staticmethod
    def build(commands: Mapping[str, Sequence[str]]) -> CommandIndex:
        literal: dict[str, list[tuple[str, str]]] = {}
        wild: list[tuple[str, str]] = []
        for cls, pats in commands.items():
            for pattern in pats:
                first = pattern.split()[0] if pattern.split() else ""
                if any(c in first for c in "*?[") or not first:
                    wild.append((cls, pattern))
                else:
                    literal.setdefault(first, []).append((cls, pattern))
        firsts = sorted({(pattern.split() or [""])[0] for _cls, pattern in wild})
        # An empty pattern matches every command (``command_matches``): no prefilter then.
        wild_first = (
            re.compile("|".join(f"(?:{fnmatch.translate(f)})" for f in firsts)) if firsts and all(firsts) else None
        )
        return CommandIndex({k: tuple(v) for k, v in literal.items()}, tuple(wild), wild_first)

    def candidates(self, first: str) -> tuple[tuple[str, str], ...]:
        # command_matches compares the first word with and without "./" and by its base name.
        keys = {first, first.removeprefix("./"), first.rsplit("/", 1)[-1]}
        out: tuple[tuple[str, str], ...] = ()
        for key in keys:
            out += self.literal.get(key, ())
        wild_first = self.wild_first
        if wild_first is not None and not any(wild_first.match(key) for key in keys):
            return out
        return out + self.wild


DEFAULT_PATTERNS = Patterns()


#: Options of ``uvx``/``uv tool run``/``pipx run`` that take the next word as their value.
_TOOL_RUN_VALUE_OPTIONS = frozenset({"--from", "--with", "--with-requirements", "--python", "-p", "--spec", "--index"})


@dataclass(frozen=True, slots=True)
class Interpreter:
    """How an interpreter's command line names the program it runs: options first, then a script
    path (or a module), then the script's own arguments."""

    #: Options that take the next word as their value (``php -d memory_limit=-1``).
    value_options: frozenset[str]
    #: Options after which no script from the command line runs: the program is given inline
    #: (``-e``, ``-c``, ``-r``), read from stdin, or only checked for syntax (``php -l``,
    #: ``ruby -c``, ``node --check``, ``bash -n``), or the interpreter only prints information.
    no_script: frozenset[str]
    #: Options whose value is the script (``php -f FILE``).
    script_options: frozenset[str] = frozenset()
    #: Options whose value is a module run as the program (``python -m pytest``).
    module_options: frozenset[str] = frozenset()
    #: Options that make the interpreter itself the command to recognise (``node --test``).
    own: frozenset[str] = frozenset()
    #: Single-letter options may be grouped in one word (``bash -eo pipefail``, ``sh -ec '…'``).
    grouped: bool = False
    #: Keep only the script's base name (``python tests/manage.py test`` → ``manage.py test``).
    basename: bool = False


#: Interpreters started on a script, by program name. Options per each tool's own usage text:
#: Python's "Command line and environment" (docs.python.org); PHP's "Command line options"
#: (php.net, ``php [options] [-f] <file> [--] [args...]``, ``-l`` "Syntax check only"); ruby(1)
#: (``-c`` "check syntax only", ``-e`` one line of script); Node.js "Command-line API"
#: (``-c``/``--check`` syntax only, ``-e``/``-p`` inline, ``--test`` its own test runner); bash(1)
#: "OPTIONS"/"INVOCATION" and the POSIX ``sh`` utility (``-c`` a command string, ``-s`` stdin,
#: ``-n`` "read commands but do not execute them", ``-o``/``-O`` take an option name).
_INTERPRETERS: dict[str, Interpreter] = {
    "python": Interpreter(
        value_options=frozenset({"-W", "-X", "-Q", "--check-hash-based-pycs"}),
        no_script=frozenset({"-c", "-", "-h", "--help", "-V", "--version"}),
        module_options=frozenset({"-m"}),
        basename=True,
    ),
    "php": Interpreter(
        value_options=frozenset({"-c", "-d", "-z", "-t"}),
        no_script=frozenset(
            {"-r", "-R", "-B", "-E", "-F", "-a", "-l", "--syntax-check", "-s", "-w", "-h", "-i", "-m", "-v", "-S"}
            | {"--rf", "--rc", "--re", "--rz", "--ri", "--ini", "--"}
        ),
        script_options=frozenset({"-f", "--file"}),
    ),
    "ruby": Interpreter(
        value_options=frozenset({"-I", "-r", "-C", "-E", "-F", "--encoding", "--external-encoding"}),
        no_script=frozenset({"-e", "-c", "-h", "--help", "--version", "-y", "--yydebug", "--dump", "-"}),
    ),
    "node": Interpreter(
        value_options=frozenset(
            {"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions"}
            | {"--input-type", "--title", "--env-file"}
        ),
        no_script=frozenset(
            {"-e", "--eval", "-p", "--print", "-c", "--check", "-i", "--interactive", "-v", "--version"}
            | {"-h", "--help", "--run", "-"}
        ),
        own=frozenset({"--test"}),
    ),
    "bash": Interpreter(
        value_options=frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"}),
        no_script=frozenset({"-c", "-s", "-i", "-n", "--version", "--help", "-"}),
        grouped=True,
    ),
}
_INTERPRETER_NAMES: dict[str, str] = {
    **dict.fromkeys(("python", "python3", "py"), "python"),
    "php": "php",
    "ruby": "ruby",
    **dict.fromkeys(("node", "nodejs"), "node"),
    **dict.fromkeys(("bash", "sh", "dash", "zsh", "ksh"), "bash"),
}
_VERSIONED = re.compile(r"(python|php|ruby)[0-9][0-9.]*")


def _interpreter(program: str) -> Interpreter | None:
    name = _INTERPRETER_NAMES.get(program)
    if name is None:
        versioned = _VERSIONED.fullmatch(program)  # python3.12, php8.3, ruby3.3 (Debian's names)
        name = versioned.group(1) if versioned else None
    return _INTERPRETERS[name] if name else None


def _script_words(words: tuple[str, ...], interp: Interpreter) -> tuple[str, ...] | None:
    """What an interpreter command runs (``php -d x=1 ./phpunit --testsuite unit`` →
    ``./phpunit --testsuite unit``), or None when it runs no script named here."""
    i = 1
    while i < len(words):
        word = words[i]
        if word in interp.own:
            return None
        if word in interp.module_options or word in interp.script_options:
            if i + 1 >= len(words):
                return None
            program = words[i + 1]
            if word in interp.script_options and interp.basename:
                program = program.rsplit("/", 1)[-1]
            return (program, *words[i + 2 :])
        if not word.startswith(("-", "+")) or word in ("-", "+"):
            if word in interp.no_script:
                return None
            program = word.rsplit("/", 1)[-1] if interp.basename else word
            return (program, *words[i + 1 :])
        options = [word]
        if interp.grouped and not word.startswith("--") and len(word) > 2:
            options = [word[0] + letter for letter in word[1:]]  # `-eo pipefail` is `-e -o pipefail`
        if any(o in interp.no_script for o in options):
            return None
        i += 1 + sum(1 for o in options if o in interp.value_options)
    return None


#: The make program by its conventional variable: `$MAKE check`, `${MAKE} -j4 check`,
#: `${MAKE:-make} check`. Inside a makefile ``MAKE`` is the name make was started by (GNU make
#: manual, "How the MAKE Variable Works"; POSIX make, "Macros"); in CI scripts and configure scripts
#: it names the make to use (autoconf's ``${MAKE-make}``). Only this one name is read as make: any
#: other variable in command position stays an unknown program.
_MAKE_VARIABLE = re.compile(r"\$(?:MAKE|\{MAKE(?::?[-=][^}]*)?\})")


def unwrap(argv: Sequence[str]) -> tuple[str, ...]:
    """Strip runners that only start another command (``poetry run pytest`` → ``pytest``)."""
    words = tuple(argv)
    for _ in range(4):
        if not words:
            break
        head = words[0].rsplit("/", 1)[-1] if words[0].startswith("/") else words[0]
        if _MAKE_VARIABLE.fullmatch(head):
            words = ("make", *words[1:])
            break
        interp = _interpreter(head)
        if interp is not None:
            script = _script_words(words, interp)
            if script is None:
                break
            words = script
            continue
        if head in ("uv", "poetry", "pdm", "hatch", "pipenv", "rye") and len(words) >= 3 and words[1] == "run":
            words = words[2:]
            continue
        skip = 1 if head == "uvx" else 3 if head == "uv" and words[1:3] == ("tool", "run") else 0
        skip = 2 if head == "pipx" and words[1:2] == ("run",) else skip
        if skip:
            # `uvx nox …`, `uv tool run nox …`, `pipx run nox …`: the tool, fetched and started (uv
            # and pipx docs); their own options come first, some with a value.
            tool = list(words[skip:])
            while tool and tool[0].startswith("-"):
                option = tool.pop(0)
                if option in _TOOL_RUN_VALUE_OPTIONS and tool:
                    tool.pop(0)
            words = tuple(tool)
            continue
        if head in ("npx", "bunx", "pnpx"):
            words = tuple(w for w in words[1:] if not w.startswith("-")) or words[1:]
            continue
        if head == "pnpm" and len(words) >= 3 and words[1] == "exec":
            words = words[2:]
            continue
        if head == "cargo" and len(words) >= 2 and words[1].startswith("+"):
            # `cargo +nightly test`: rustup's toolchain override, not a subcommand (rustup book,
            # "Toolchain override shorthand").
            words = (words[0], *words[2:])
            continue
        if head == "bundle" and len(words) >= 3 and words[1] == "exec":
            words = words[2:]
            continue
        if head == "coverage" and len(words) >= 2 and words[1] == "run":
            rest = words[2:]
            words = rest[1:] if rest[:1] == ("-m",) else tuple(w for w in rest if not w.startswith("-"))
            continue
        if head == "nix" and "-c" in words:
            words = words[words.index("-c") + 1 :]
            continue
        if re.fullmatch(r"go1\d{1,2}", head):
            # pkgsrc installs each Go release as its own binary (`go118 test` is `go test`).
            words = ("go", *words[1:])
            continue
        if head in ("docker", "podman") and len(words) >= 2 and words[1] in ("run", "exec"):
            break  # the image decides; matched on the whole text below
        break
    return words


def command_matches(argv: Sequence[str], pattern: str) -> bool:
    """``pattern`` is space-separated words; the last may contain shell-style wildcards."""
    pwords = pattern.split()
    if len(argv) < len(pwords):
        return False
    for i, pw in enumerate(pwords):
        word = argv[i]
        if i == 0:
            word = word.removeprefix("./") if not pw.startswith("./") else word
            base = word.rsplit("/", 1)[-1]
            if not (fnmatch.fnmatchcase(word, pw) or fnmatch.fnmatchcase(base, pw)):
                return False
        elif not fnmatch.fnmatchcase(word, pw):
            return False
    return True


#: Build tools whose goals or tasks, wherever they appear among the arguments, run the tests
#: (Maven's lifecycle runs ``test`` before ``package``/``verify``/``install``; Gradle's ``check`` and
#: ``build`` depend on ``test``).
GOAL_RUNNERS: dict[str, frozenset[str]] = {
    "mvn": frozenset({"test", "verify", "install", "package", "integration-test", "deploy"}),
    "mvnw": frozenset({"test", "verify", "install", "package", "integration-test", "deploy"}),
    "gradle": frozenset({"test", "check", "build", "connectedcheck", "connectedandroidtest"}),
    "gradlew": frozenset({"test", "check", "build", "connectedcheck", "connectedandroidtest"}),
}


#: make's options that take the next word as their value (GNU make manual, "Options Summary");
#: ``-j``/``-l`` take an optional number.
_MAKE_VALUE_OPTIONS = frozenset({"-C", "-f", "-I", "-o", "-W", "--file", "--makefile", "--directory", "--include-dir"})
_MAKE_OPTIONAL_NUMBER = frozenset({"-j", "-l", "--jobs", "--load-average", "--max-load"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*[:+?!]?=")


def _number_word(word: str) -> bool:
    """A number, or a variable expanded to one at run time (``make -j "$NJOBS"``): a goal named
    by a variable alone is not written that way after ``-j``."""
    return word.isdigit() or bool(re.fullmatch(r"\$(?:\{\w+\}|\w+|\(\w+\))", word))


def make_targets(args: Sequence[str]) -> tuple[str, ...]:
    """The goals of a ``make`` command line: every word that is not an option, an option's value or
    a variable assignment. make builds each goal in turn (GNU make manual, "Arguments to Specify
    the Goals"), so ``make check-fmt tests`` runs the tests."""
    out: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word in _MAKE_VALUE_OPTIONS:
            i += 2
            continue
        if word in _MAKE_OPTIONAL_NUMBER and i + 1 < len(args) and _number_word(args[i + 1]):
            i += 2
            continue
        if not word.startswith("-") and not _ASSIGNMENT.match(word):
            out.append(word)
        i += 1
    return tuple(out)


def make_folder(cwd: str | None, args: Sequence[str]) -> str | None:
    """The folder ``make -C DIR`` (``--directory=DIR``) runs in, from ``cwd``; several ``-C``
    options each apply relative to the one before (GNU make manual, "Options Summary"). None
    when it cannot be known (``change_dir``)."""
    for i, word in enumerate(args):
        if word in ("-C", "--directory") and i + 1 < len(args):
            cwd = change_dir(cwd, [args[i + 1]])
        elif word.startswith("--directory="):
            cwd = change_dir(cwd, [word.partition("=")[2]])
        elif word.startswith("-C") and len(word) > 2:
            cwd = change_dir(cwd, [word[2:]])
    return cwd


#: ninja's options that take a value (`ninja -h`): ``-C DIR``, ``-f FILE``, ``-j N``, ``-k N``,
#: ``-l N``, ``-d MODE``, ``-w FLAG``; ``-t TOOL`` runs a tool instead of building anything.
_NINJA_VALUE_OPTIONS = frozenset({"-C", "-f", "-j", "-k", "-l", "-d", "-t", "-w"})
#: Build tools whose arguments are goals of a build file: make, and ninja (with samurai, its
#: reimplementation), which CMake and Meson generate the same `test`/`check` targets for.
GOAL_BUILDERS = frozenset({"make", "gmake", "ninja", "samu"})


def ninja_targets(args: Sequence[str]) -> tuple[str, ...]:
    """The targets of a ``ninja`` command line; none when it runs a tool (``ninja -t clean``)."""
    out: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "-t" or word.startswith("-t"):
            return ()
        if word in _NINJA_VALUE_OPTIONS:
            i += 2
            continue
        if not word.startswith("-"):
            out.append(word)
        i += 1
    return tuple(out)


def cmake_targets(args: Sequence[str]) -> tuple[str, ...]:
    """The targets of a ``cmake --build DIR --target T…`` command line: ``--target``/``-t`` take
    one or more targets, separated by spaces (cmake(1), "Build a Project"); none for any other
    cmake command, or when the default target is built."""
    if "--build" not in args and not any(a.startswith("--build=") for a in args):
        return ()
    out: list[str] = []
    taking = False
    for word in args:
        if word.startswith("--target="):
            out.append(word.partition("=")[2])
            taking = False
        elif word in ("--target", "-t"):
            taking = True
        elif word.startswith("-"):
            taking = False
        elif taking:
            out.append(word)
    return tuple(out)


def _make_goal_classes(words: Sequence[str], patterns: Patterns) -> set[str]:
    out: set[str] = set()
    program = words[0].rsplit("/", 1)[-1]
    ninja = program in ("ninja", "samu")
    goals = cmake_targets(words[1:]) if program == "cmake" else None
    for target in goals if goals is not None else ninja_targets(words[1:]) if ninja else make_targets(words[1:]):
        goal = ("make", target)
        for cls, pattern in patterns.command_index.candidates("make"):
            if cls not in out and command_matches(goal, pattern):
                out.add(cls)
    return out


def classify_command(argv: Sequence[str], patterns: Patterns = DEFAULT_PATTERNS) -> frozenset[str]:
    words = unwrap(argv)
    if not words:
        return frozenset()
    out = set()
    if words[0].rsplit("/", 1)[-1] in GOAL_BUILDERS | {"cmake"} and len(words) > 1:
        # `cmake --build build --target check` builds the target `check` of the generated build
        # files, as `make check` in the build folder does.
        out |= _make_goal_classes(words, patterns)
    goals = GOAL_RUNNERS.get(words[0].rsplit("/", 1)[-1])
    if goals and any(w.lower().rsplit(":", 1)[-1] in goals for w in words[1:] if not w.startswith("-")):
        out.add(TEST)
    for cls, pattern in patterns.command_index.candidates(words[0]):
        if cls not in out and command_matches(words, pattern):
            out.add(cls)
    if TEST in out and (told_not_to_test(words) or _script_told_to_build(words)):
        out.discard(TEST)
    if TEST in out and any(w.startswith("--cov-fail-under") or w == "--cov-fail-under" for w in words):
        out.add(COVERAGE)
    return frozenset(out)


#: Words of a sub-command that prepares rather than tests: a test-runner script given one
#: (`./ci/run_tests.sh build_nvim`, `test.sh install`) runs that stage only.
_PREPARE_WORDS = frozenset(
    {"build", "install", "compile", "configure", "setup", "deps", "dependencies", "bootstrap", "clean", "fetch"}
)
#: Words that name tests in a sub-command (`unittests`, `test_all`, `functionaltests`).
_TESTISH = re.compile(r"test|check|spec", re.I)


def _script_told_to_build(words: Sequence[str]) -> bool:
    """A script named as a test runner (`run_tests.sh`, `test.sh`), given as its first argument a
    stage whose name only says it prepares (`build_nvim`, `install`): the script runs that stage,
    not the tests. Runners regress knows (`pytest`, `make`) are judged by their own arguments."""
    program = words[0].rsplit("/", 1)[-1].lower() if words else ""
    script = "/" in words[0] or program.endswith((".sh", ".py")) if words else False
    if not script or "test" not in program:
        return False
    first = next((w for w in words[1:] if not w.startswith("-")), None)
    if first is None or "=" in first or _TESTISH.search(first):
        return False
    return bool(name_words(first) & _PREPARE_WORDS)


def told_not_to_test(words: Sequence[str]) -> str | None:
    """The flag that stops a test runner's command from running tests (S1 ``no_run``: ``gradle
    check -x test``, ``mvn install -DskipTests``, ``pytest --collect-only``), or None. Gradle's
    ``-x``/``--exclude-task`` leaves the excluded task out of the run (Gradle docs, "Command-Line
    Interface: Excluding tasks"), so ``check -x test`` runs the other verification tasks only;
    Maven Surefire's ``skipTests`` skips the test run (Surefire docs, "Skipping Tests")."""
    program = words[0].rsplit("/", 1)[-1] if words else ""
    text = " ".join(words)
    for runner in RUNNERS:
        if not runner.no_run or not any(
            text == cmd or text.startswith(cmd + " ") or (" " not in cmd and program == cmd.rsplit("/", 1)[-1])
            for cmd in runner.commands
        ):
            continue
        for i, word in enumerate(words[1:], 1):
            name, eq, value = word.partition("=")
            if eq and value.lower() == "false":
                continue  # `-DskipTests=false` runs the tests
            following = words[i + 1] if i + 1 < len(words) else ""
            for spec in runner.no_run:
                spec_name, _, spec_value = spec.partition(" ")
                if spec_value:
                    # `-x test`, `--exclude-task=test`, `-x :test`
                    found = value if eq else following
                    # Excluding `check` leaves a `test` task asked for by name to run.
                    asked = spec_value != "test" and "test" in words
                    if name == spec_name and found.lstrip(":") == spec_value and not asked:
                        return f"{spec_name} {spec_value}"
                elif word == spec or (not eq and name == spec) or (eq and spec == name and "=" not in spec):
                    return word
    return None


def classify_script(script: str, patterns: Patterns = DEFAULT_PATTERNS) -> tuple[frozenset[str], list[Command]]:
    cmds = split(script)
    out: set[str] = set()
    # `sh -c 'cd tests && pytest'` runs pytest: what a shell is handed is read as the script it is.
    for _cwd, argv in walk(script):
        out |= classify_command(argv, patterns)
    return frozenset(out), cmds


def classify_action(uses: str, patterns: Patterns = DEFAULT_PATTERNS) -> frozenset[str]:
    name = uses.split("@", 1)[0].lower()
    for prefix, cls in patterns.actions.items():
        if name == prefix or name.startswith(prefix + "/"):
            return frozenset({cls})
    return frozenset()


#: What a pull request's own checks look at rather than the code: a job named a check of one of
#: these (`permissions check`, `check-labels`, `Check PR title`) gates on the pull request's
#: metadata and runs no tests.
_METADATA_WORDS = frozenset(
    {"permission", "permissions", "label", "labels", "title", "changelog", "milestone", "assignee", "reviewers"}
)


def name_words(*names: str | None) -> set[str]:
    """The words of a job's names (id, display name), lowercased, split at anything that is no
    letter or digit: what the name-based classes (test, deploy, lint check) are read from."""
    return {w for n in names if n for w in _WORD_SPLIT.split(n.lower()) if w}


def name_says_test(*names: str | None) -> bool:
    for n in names:
        if not n:
            continue
        words = name_words(n)
        found = words & set(TEST_JOB_WORDS)
        if found and not (found == {"check"} and words & _METADATA_WORDS):
            return True
    return False


def union(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    out: set[str] = set()
    for s in sets:
        out |= s
    return frozenset(out)
