"""Test-wide fixtures.

Every report the test suite produces through the library is validated against the public JSON
contract (regress/report/report-v1.schema.json): the report is a public API, so any field a change
adds or reshapes without updating the schema fails the test that produced it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reportschema import assert_valid_report


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
