"""Test-wide fixtures.

Every report the test suite produces through the library is validated against the public JSON
contract (regress/report/report-v1.schema.json): the report is a public API, so any field a change
adds or reshapes without updating the schema fails the test that produced it.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reportschema import assert_valid_report

#: The day the rule cases' expectations were last read against: end of life is judged on it, so
#: that a version reaching its end of life later does not change what a case expects. A case about
#: another day sets ``as-of`` in its ``.regress.yml``.
CASES_JUDGED_ON = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _judged_on_a_fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    import regress.rules.ci.test_matrix_shrunk

    monkeypatch.setattr(regress.rules.ci.test_matrix_shrunk, "today", lambda: CASES_JUDGED_ON)


@pytest.fixture(autouse=True)
def _validate_every_report(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import regress.api
    import regress.engine

    original = regress.engine.analyze

    def checked(*args: Any, **kwargs: Any) -> Any:
        report = original(*args, **kwargs)
        assert_valid_report(report.to_json())
        return report

    # regress.api binds the name at import time, so both references are wrapped.
    monkeypatch.setattr(regress.engine, "analyze", checked)
    monkeypatch.setattr(regress.api, "analyze", checked)
    yield
