"""GitLab's security scanning templates and components, known by name.

Templates (``include: template: …``) and CI/CD components ship with the GitLab instance or come
from another project, so they are never fetched. What matters about them is known: which scan
they add, the jobs they define (a local job of the same name is an *override*, merged into the
template's job, not a job of its own), and the variables that switch them off. Job names and
variables were read from lib/gitlab/ci/templates/Jobs/{SAST,SAST-IaC,Secret-Detection,
Dependency-Scanning,Container-Scanning,DAST}.gitlab-ci.yml in gitlab-org/gitlab; GitLab's
analyzer jobs set ``allow_failure: true`` themselves (``.sast-analyzer``, ``.secret-analyzer``,
``.ds-analyzer``, ``container_scanning``, ``iac-sast``).

``*_DISABLED`` switches a scan off when set to ``true`` or ``1`` (since GitLab 16.0; before that
any value did: gitlab-org/gitlab#391822).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScanTemplate:
    key: str
    label: str
    jobs: tuple[str, ...]
    disabled_var: str
    excluded_analyzers_var: str | None = None
    excluded_paths_var: str | None = None
    #: The template's own default for the excluded paths variable.
    default_excluded_paths: str = ""
    #: Class of the scan: ``security`` for scanners, ``lint``/``test`` for Auto DevOps jobs.
    cls: str = "security"


SCANS: dict[str, ScanTemplate] = {
    t.key: t
    for t in (
        ScanTemplate(
            "sast",
            "SAST",
            (
                "sast",
                ".sast-analyzer",
                "gitlab-advanced-sast",
                "semgrep-sast",
                "kubesec-sast",
                "pmd-apex-sast",
                "sobelow-sast",
                "spotbugs-sast",
                "bandit-sast",
                "brakeman-sast",
                "eslint-sast",
                "flawfinder-sast",
                "gosec-sast",
                "nodejs-scan-sast",
                "phpcs-security-audit-sast",
                "security-code-scan-sast",
                "mobsf-android-sast",
                "mobsf-ios-sast",
                ".mobsf-sast",
            ),
            "SAST_DISABLED",
            "SAST_EXCLUDED_ANALYZERS",
            "SAST_EXCLUDED_PATHS",
            "spec, test, tests, tmp",
        ),
        ScanTemplate(
            "sast-iac",
            "IaC scanning",
            ("iac-sast", "kics-iac-sast"),
            "SAST_DISABLED",
            "SAST_EXCLUDED_ANALYZERS",
            "SAST_EXCLUDED_PATHS",
            "spec, test, tests, tmp",
        ),
        ScanTemplate(
            "secret-detection",
            "secret detection",
            ("secret_detection", "secret_detection_default_branch", ".secret-analyzer"),
            "SECRET_DETECTION_DISABLED",
            None,
            "SECRET_DETECTION_EXCLUDED_PATHS",
            "",
        ),
        ScanTemplate(
            "dependency-scanning",
            "dependency scanning",
            (
                "dependency_scanning",
                ".ds-analyzer",
                "gemnasium-dependency_scanning",
                "gemnasium-maven-dependency_scanning",
                "gemnasium-python-dependency_scanning",
                "dependency-scanning",
            ),
            "DEPENDENCY_SCANNING_DISABLED",
            "DS_EXCLUDED_ANALYZERS",
            "DS_EXCLUDED_PATHS",
            "spec, test, tests, tmp",
        ),
        ScanTemplate(
            "container-scanning", "container scanning", ("container_scanning",), "CONTAINER_SCANNING_DISABLED"
        ),
        ScanTemplate("dast", "DAST", ("dast",), "DAST_DISABLED"),
        ScanTemplate("code-quality", "code quality", ("code_quality",), "CODE_QUALITY_DISABLED", cls="lint"),
        ScanTemplate("auto-test", "Auto DevOps tests", ("test",), "TEST_DISABLED", cls="test"),
    )
}

#: Template file names (``include: template:``) → scans they add.
_TEMPLATE_FILES: dict[str, tuple[str, ...]] = {}
for _prefix in ("Jobs/", "Security/", ""):
    for _name, _key in (
        ("SAST", "sast"),
        ("SAST-IaC", "sast-iac"),
        ("Secret-Detection", "secret-detection"),
        ("Dependency-Scanning", "dependency-scanning"),
        ("Container-Scanning", "container-scanning"),
        ("DAST", "dast"),
        ("Code-Quality", "code-quality"),
    ):
        for _suffix in (".gitlab-ci.yml", ".latest.gitlab-ci.yml", ".v2.gitlab-ci.yml"):
            _TEMPLATE_FILES[f"{_prefix}{_name}{_suffix}"] = (_key,)
_TEMPLATE_FILES["Jobs/Test.gitlab-ci.yml"] = ("auto-test",)
#: Auto DevOps includes the scans and the test job (docs "Stages of Auto DevOps").
_TEMPLATE_FILES["Auto-DevOps.gitlab-ci.yml"] = (
    "sast",
    "secret-detection",
    "dependency-scanning",
    "container-scanning",
    "dast",
    "code-quality",
    "auto-test",
)

#: CI/CD component names (the last part of ``…/components/<project>/<name>``) → scans.
_COMPONENTS: dict[str, str] = {
    "sast": "sast",
    "sast-iac": "sast-iac",
    "secret-detection": "secret-detection",
    "dependency-scanning": "dependency-scanning",
    "container-scanning": "container-scanning",
    "dast": "dast",
    "code-quality": "code-quality",
}


def template_scans(name: str) -> tuple[str, ...]:
    return _TEMPLATE_FILES.get(name.strip().lstrip("/"), ())


def component_scans(name: str) -> tuple[str, ...]:
    last = name.rstrip("/").rsplit("/", 1)[-1]
    return (_COMPONENTS[last],) if last in _COMPONENTS else ()


def scan_of_job(job: str, scans: set[str]) -> str | None:
    """The included scan a job name belongs to (its local definition is an override)."""
    for key in scans:
        if job in SCANS[key].jobs:
            return key
    return None


def disabled(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("true", "1")


def names(value: str | None) -> frozenset[str]:
    """A comma-separated list variable (``SAST_EXCLUDED_ANALYZERS: "semgrep, spotbugs"``)."""
    if not value:
        return frozenset()
    return frozenset(p.strip() for p in value.split(",") if p.strip())
