"""OpenShift Templates: objects with parameter values filled in go through the Kubernetes rules."""

from __future__ import annotations

from pathlib import Path

from regress.api import diff_git
from tests.gitrepo import two_commits

TEMPLATE = """\
apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: web
parameters:
  - name: REPLICAS
    value: "{replicas}"
  - name: TAG
    value: "{tag}"
  - name: SECRET
    generate: expression
    from: "[a-z]{{16}}"
objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: ${{{{REPLICAS}}}}
      template:
        spec:
          containers:
            - name: web
              image: web:${{TAG}}
              env:
                - name: TOKEN
                  value: ${{SECRET}}
"""


def run(tmp_path: Path, base: str, head: str) -> list[str]:
    repo, b, h = two_commits(tmp_path / "repo", {"openshift/web.yaml": base}, {"openshift/web.yaml": head})
    return [f"{f.code} {f.identity} {f.location} | {f.message}" for f in diff_git(repo, b, h).findings]


def test_a_lowered_parameter_value_reaches_the_object(tmp_path: Path) -> None:
    base = TEMPLATE.format(replicas=3, tag="1.0")
    head = TEMPLATE.format(replicas=1, tag="1.0")
    assert run(tmp_path, base, head) == [
        "K8S022 kubernetes:apps/Deployment/default/web/openshift/web.yaml#web openshift/web.yaml:19 | "
        "Deployment default/web (openshift/web.yaml#web): replicas 3 → 1"
    ]


def test_a_version_bump_through_a_parameter_is_silent(tmp_path: Path) -> None:
    assert run(tmp_path, TEMPLATE.format(replicas=3, tag="1.0"), TEMPLATE.format(replicas=3, tag="1.1")) == []
