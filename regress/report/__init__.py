"""Reporters: one module per output format, each a pure function of a report."""

from __future__ import annotations

from collections.abc import Callable

from regress.engine import Report
from regress.report import github, json_report, markdown, sarif, text

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
    "github": github.render,
}
