"""The JSON report schema as a validator, shared by the autouse fixture and the CLI tests."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from regress.report.json_report import schema


@cache
def validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    v: jsonschema.protocols.Validator = cls(schema(), format_checker=cls.FORMAT_CHECKER)
    return v


def assert_valid_report(doc: Any) -> None:
    """Fail with every schema violation listed (after a JSON round trip, as a consumer sees it)."""
    plain = json.loads(json.dumps(doc))
    errors = sorted(validator().iter_errors(plain), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:10]]
        raise AssertionError("report violates report-v1.schema.json:\n" + "\n".join(lines))
