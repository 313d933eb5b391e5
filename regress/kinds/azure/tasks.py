"""Azure Pipelines tasks and what they are for (Signals S1–S5; task names from the
microsoft/azure-pipelines-tasks repository). Matched on the task name without its ``@major``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regress.kinds.ci import classify as cls

_TASKS: dict[str, frozenset[str]] = {
    "vstest": frozenset({cls.TEST}),
    "publishtestresults": frozenset({cls.TEST, cls.REPORT}),
    "publishcodecoverageresults": frozenset({cls.COVERAGE, cls.REPORT}),
    "microsoftsecuritydevops": frozenset({cls.SECURITY}),
    "credscan": frozenset({cls.SECURITY}),
    "sonarqubeanalyze": frozenset({cls.SECURITY}),
    "sonarcloudanalyze": frozenset({cls.SECURITY}),
    "sonarqubepublish": frozenset({cls.SECURITY}),
    "sonarcloudpublish": frozenset({cls.SECURITY}),
    "snyksecurityscan": frozenset({cls.SECURITY}),
    "whitesource": frozenset({cls.SECURITY}),
    "dependency-check-build-task": frozenset({cls.SECURITY}),
    "trivy": frozenset({cls.SECURITY}),
    "azurewebapp": frozenset({cls.DEPLOY}),
    "azurermwebappdeployment": frozenset({cls.DEPLOY}),
    "azurefunctionapp": frozenset({cls.DEPLOY}),
    "kubernetesmanifest": frozenset({cls.DEPLOY}),
    "helmdeploy": frozenset({cls.DEPLOY}),
    "azurecontainerapps": frozenset({cls.DEPLOY}),
    "azureresourcemanagertemplatedeployment": frozenset({cls.DEPLOY}),
}
#: Tasks whose ``command``/``goals``/``tasks`` input decides whether they test.
_TEST_INPUTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dotnetcorecli": ("command", ("test",)),
    "maven": ("goals", ("test", "verify", "install", "package")),
    "gradle": ("tasks", ("test", "check", "build", "connectedcheck")),
    "npm": ("customcommand", ("test", "run test")),
}
#: A server job with this task waits for a person (docs "ManualValidation@1").
APPROVAL_TASK = "manualvalidation"


def task_name(task: str) -> str:
    return task.split("@", 1)[0].strip().lower()


def classes(task: str, inputs: Mapping[str, Any]) -> frozenset[str]:
    name = task_name(task)
    out = set(_TASKS.get(name, frozenset()))
    if name in _TEST_INPUTS:
        key, words = _TEST_INPUTS[name]
        value = next((str(v) for k, v in inputs.items() if str(k).lower() == key), "")
        if any(w in value.lower().split() or value.lower().strip() == w for w in words):
            out.add(cls.TEST)
    return frozenset(out)
