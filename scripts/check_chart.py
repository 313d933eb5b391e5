#!/usr/bin/env python3
"""Lint a Helm chart and validate what it renders, offline.

    python scripts/check_chart.py deploy/helm/regress

For the chart's values.yaml alone and with each ``ci/*.yaml`` on top (the values sets the chart is
tested with):

1. ``helm lint --strict``: Helm's own linter (pkg/action/lint in Helm v4's Go SDK, through
   helm-python-sdk), which also validates the values against ``values.schema.json``; warnings
   fail, like ``--strict``.
2. Render the templates (release ``regress`` in namespace ``regress``) and validate every object
   against the Kubernetes OpenAPI schemas shipped by kubernetes-validate, strictly (unknown
   fields are errors), for the oldest Kubernetes the chart supports and the newest known.
   Custom resources (the Prometheus Operator's ServiceMonitor) have no schema there and are
   listed as not validated.

Exit 0 when everything is clean, 1 otherwise; problems are printed one per line.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python
import kubernetes_validate
from ruamel.yaml import YAML

RELEASE = "regress"
NAMESPACE = "regress"
#: Kubernetes versions to validate against: the chart's kubeVersion floor and the newest schema.
VERSIONS = ("1.25.0", kubernetes_validate.latest_version())
#: Helm lint severities (helm-python-sdk: 1 info, 2 warning, 3 error).
SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def values_sets(chart: Path) -> list[tuple[str, dict[str, Any]]]:
    """(name, override values) for values.yaml alone and each ci/*.yaml on top of it."""
    yaml = YAML(typ="safe")
    out: list[tuple[str, dict[str, Any]]] = [("values.yaml", {})]
    for path in sorted((chart / "ci").glob("*.yaml")):
        out.append((f"ci/{path.name}", yaml.load(path.read_text(encoding="utf-8")) or {}))
    return out


def lint(chart: Path, values: dict[str, Any]) -> tuple[list[str], list[Problem]]:
    """Helm lint's messages (as Helm prints them) and the ones that fail a strict lint."""
    report = helm_python.lint(str(chart), values or None, strict=True, namespace=NAMESPACE)
    lines: list[str] = []
    problems: list[Problem] = []
    for m in report.get("messages", []):
        level = SEVERITY.get(int(m.get("severity", 0)), "UNKNOWN")
        lines.append(f"[{level}] {m.get('path')}: {str(m.get('error', '')).strip()}")
        if int(m.get("severity", 0)) >= 2:
            problems.append(Problem(f"helm lint {m.get('path')}", str(m.get("error", "")).strip()))
    for error in report.get("errors", []):
        if not any(p.message == str(error).strip() for p in problems):
            problems.append(Problem("helm lint", str(error).strip()))
    return lines, problems


def render(chart: Path, values: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Template path → the objects it renders (NOTES.txt and partials left out, as Helm does)."""
    yaml = YAML(typ="safe")
    with helm_python.Chart.load(str(chart)) as loaded:
        manifests = loaded.render(values or None, name=RELEASE, namespace=NAMESPACE, is_install=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt") or Path(path).name.startswith("_"):
            continue
        docs = [d for d in yaml.load_all(io.StringIO(text)) if d]
        if docs:
            out[path] = docs
    return out


def validate(objects: dict[str, list[dict[str, Any]]]) -> tuple[list[Problem], list[str]]:
    """Schema problems, and the objects no schema covers."""
    problems: list[Problem] = []
    skipped: list[str] = []
    for path, docs in objects.items():
        for doc in docs:
            name = f"{path} {doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
            for version in VERSIONS:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.SchemaNotFoundError:
                    skipped.append(f"{name} ({doc.get('apiVersion')}): no schema")
                    break
                except kubernetes_validate.ValidationError as exc:
                    problems.append(Problem(f"{name} (Kubernetes {version})", _first_line(exc)))
    return problems, sorted(set(skipped))


def _first_line(exc: Exception) -> str:
    err = getattr(exc, "caused_by", None)
    if err is not None and getattr(err, "message", None):
        where = "/".join(str(p) for p in getattr(err, "path", ()))
        return f"{where}: {err.message}" if where else str(err.message)
    return str(exc).splitlines()[0]


def check(chart: Path) -> Iterator[tuple[str, list[str], list[Problem], list[str]]]:
    """Per values set: lint lines, problems, and objects without a schema."""
    for name, values in values_sets(chart):
        lines, problems = lint(chart, values)
        skipped: list[str] = []
        if not problems:
            schema_problems, skipped = validate(render(chart, values))
            problems += schema_problems
        yield name, lines, problems, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chart", type=Path)
    args = parser.parse_args(argv)
    failed = False
    for name, lines, problems, skipped in check(args.chart):
        print(f"== {args.chart} with {name}")
        for line in lines:
            print(f"  {line}")
        for item in skipped:
            print(f"  not schema-validated: {item}")
        for problem in problems:
            print(f"  FAIL {problem}")
        print(f"  {'FAILED' if problems else 'ok'}: helm lint --strict, schemas of Kubernetes {', '.join(VERSIONS)}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
