"""The JSON report: the public, versioned contract (schema ``regress.report/v1``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from regress.engine import Report


def render(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema every report validates against (shipped as package data)."""
    data = resources.files("regress.report").joinpath("report-v1.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(data)
    return loaded
