"""Hand-built reports for reporter tests: every field set on purpose."""

from __future__ import annotations

from regress.engine import Report, SideInfo
from regress.findings import Approval, Category, Finding, Severity, fingerprint
from regress.model import Location, Notice, NoticeKind, Side


def finding(
    code: str = "K8S022",
    name: str = "replicas-reduced",
    category: Category = Category.RELIABILITY,
    severity: Severity = Severity.MEDIUM,
    message: str = "Deployment prod/web: replicas 5 → 3",
    identity: str = "kubernetes:apps/Deployment/prod/web",
    attr: str = "spec.replicas",
    location: Location | None = None,
    related: tuple[Location, ...] = (),
    approval: Approval | None = None,
) -> Finding:
    return Finding(
        code=code,
        name=name,
        category=category,
        severity=severity,
        message=message,
        fingerprint=fingerprint(code, identity, attr),
        identity=identity,
        attr=attr,
        location=location or Location("deploy/web.yaml", 7, Side.HEAD),
        related=related,
        before=5,
        after=3,
        kind="kubernetes",
        approval=approval,
    )


def report(findings: list[Finding], notices: list[Notice] | None = None) -> Report:
    return Report(
        SideInfo("main", "1" * 40),
        SideInfo("feature", "2" * 40),
        findings,
        notices or [],
        {"findings": len(findings)},
    )


def mixed() -> Report:
    """Four findings over three categories, one approved, one anchored on the base side."""
    return report(
        [
            finding(related=(Location("deploy/web.yaml", 7, Side.BASE),)),
            finding(
                code="K8S001",
                name="privileged-container",
                category=Category.SECURITY,
                severity=Severity.HIGH,
                message="Deployment prod/web: container app became privileged",
                attr="spec.template.spec.containers[app].securityContext.privileged",
                location=Location("deploy/web.yaml", 21, Side.HEAD),
            ),
            finding(
                code="CI002",
                name="test-job-removed",
                category=Category.TESTS,
                severity=Severity.HIGH,
                message="workflow ci: test job unit was removed",
                identity="ci:github/.github/workflows/ci.yml/unit",
                attr="job",
                location=Location(".github/workflows/ci.yml", 3, Side.BASE),
            ),
            finding(
                code="K8S026",
                name="probe-removed",
                category=Category.MONITORING,
                severity=Severity.MEDIUM,
                message="Deployment prod/web: readinessProbe of container app removed",
                attr="spec.template.spec.containers[app].readinessProbe",
                location=Location("deploy/web.yaml", 18, Side.HEAD),
                approval=Approval("file", "probe moved to the mesh", "alice", None, ".regress/approvals.yml:2"),
            ),
        ],
        [Notice(NoticeKind.SKIPPED, "symlink not analysed", "deploy/link.yaml")],
    )
