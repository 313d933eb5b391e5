"""The build-file scanners read literal gates, and turn anything else into "unknown", never an
exception and never a missing gate."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from regress.kinds.gates.build_scan import Found, Scan, scan_gradle, scan_maven, scan_simplecov
from regress.kinds.gates.tarpaulin import scan_tarpaulin

GRADLE = """jacocoTestCoverageVerification {
    violationRules {
        rule {
            element = 'CLASS'
            limit { counter = 'BRANCH'; value = 'COVEREDRATIO'; minimum = 0.75 }
        }
    }
}
"""


def test_gradle_limit_is_read_with_its_defaults_filled_in() -> None:
    assert scan_gradle(GRADLE) == Scan((Found("jacoco CLASS BRANCH COVEREDRATIO minimum", 75.0, "min", 5),))


def test_commented_out_limits_are_not_gates() -> None:
    text = "/* jacocoTestCoverageVerification { violationRules { rule { limit { minimum = 0.9 } } } } */\n"
    assert scan_gradle(text) == Scan()
    assert scan_simplecov("# minimum_coverage 90\n") == Scan()
    assert scan_maven("<!-- <plugin><artifactId>jacoco-maven-plugin</artifactId></plugin> -->") == Scan()


def test_unbalanced_block_is_unknown_not_removed() -> None:
    scan = scan_gradle("jacocoTestCoverageVerification { violationRules { rule { limit { minimum = 0.8 }\n")
    assert scan.gates == ()
    assert scan.unknown == "unbalanced braces after `violationRules` on line 1"


def test_undefined_pom_property_is_unknown() -> None:
    pom = (
        "<plugin><artifactId>jacoco-maven-plugin</artifactId><goals><goal>check</goal></goals>"
        "<rule><limit><minimum>${cov}</minimum></limit></rule></plugin>"
    )
    assert scan_maven(pom) == Scan(unknown="`${cov}` is not defined in this pom's <properties>")


def test_tarpaulin_checks_the_report_table_else_the_first_run() -> None:
    runs = "[unit]\nfail-under = 85\n\n[docs]\nfail-under = 20\n"
    assert scan_tarpaulin(runs) == Scan((Found("tarpaulin fail-under", 85.0, "min", 2),))
    assert scan_tarpaulin(runs + "[report]\nfail-under = 70\n") == Scan(
        (Found("tarpaulin fail-under", 70.0, "min", 7),)
    )
    assert scan_tarpaulin("[unit]\nno-run = true\nfail-under = 85\n") == Scan()


def test_tarpaulin_file_tarpaulin_cannot_read_is_unknown() -> None:
    assert scan_tarpaulin("fail-under = 80\n") == Scan(
        unknown="`fail-under` is not in a table, so tarpaulin cannot read the file"
    )
    assert scan_tarpaulin('[ci]\nfail-under = "80"\n') == Scan(unknown="`fail-under` of [ci] is not a number")


@pytest.mark.parametrize("scan", [scan_gradle, scan_maven, scan_simplecov, scan_tarpaulin])
def test_random_input_never_raises(scan: Callable[[str], Scan]) -> None:
    rng = random.Random(9)
    alphabet = [
        *"{}()<>/*#=\"'\n ;,.%$",
        "rule",
        "limit",
        "minimum",
        "kover",
        "minBound(",
        "<rule>",
        "<limit>",
        "<minimum>",
        "</minimum>",
        "violationRules",
        "jacoco-maven-plugin",
        "<goal>check</goal>",
        "minimum_coverage",
        "0.8",
        "80",
        "=begin\n",
        "/*",
        "<!--",
        "[report]\n",
        "fail-under = ",
    ]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
        assert isinstance(scan(text), Scan)
