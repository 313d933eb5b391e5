"""The build-file scanners read literal gates, and turn anything else into "unknown", never an
exception and never a missing gate."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from regress.kinds.gates.build_scan import Found, Scan, scan_gradle, scan_maven, scan_simplecov

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


@pytest.mark.parametrize("scan", [scan_gradle, scan_maven, scan_simplecov])
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
    ]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
        assert isinstance(scan(text), Scan)
