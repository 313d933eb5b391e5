"""Rules that look objects up in per-side indexes (``Index.derived``, ``Index.grouped``) find
what scanning every object found: partners in other folders of the change, the autoscaler that
owns a workload's count, and nothing from another namespace."""

from __future__ import annotations

from pathlib import Path

from regress.api import diff_git
from tests.gitrepo import two_commits


def _deployment(ns: str, tag: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: {ns}}}
spec:
  replicas: 10
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api, tier: web}}}}
    spec:
      containers: [{{name: api, image: "api:{tag}"}}]
"""


def _hpa(team: str) -> str:
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: api, namespace: prod, labels: {{team: {team}}}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: api}}
  minReplicas: 4
  maxReplicas: 12
"""


def _pdb(budget: str) -> str:
    return f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: api, namespace: prod}}
spec:
  {budget}
  selector: {{matchLabels: {{app: api}}}}
"""


def test_pdb_budget_counts_the_autoscaler_minimum_across_folders_in_its_namespace(tmp_path: Path) -> None:
    # The PDB, its workload and the workload's HPA sit in three folders, all touched by the
    # change; a workload of the same name and labels in another namespace must not count. The
    # HPA's minimum (4) is the count: maxUnavailable 1 -> minAvailable 50% lets 2 pods go.
    base = {
        "prod/policy/pdb.yaml": _pdb("maxUnavailable: 1"),
        "prod/apps/api.yaml": _deployment("prod", "1.0"),
        "prod/scaling/hpa.yaml": _hpa("a"),
        "staging/apps/api.yaml": _deployment("staging", "1.0"),
    }
    head = {
        "prod/policy/pdb.yaml": _pdb("minAvailable: 50%"),
        "prod/apps/api.yaml": _deployment("prod", "1.1"),
        "prod/scaling/hpa.yaml": _hpa("b"),
        "staging/apps/api.yaml": _deployment("staging", "1.1"),
    }
    repo, b, h = two_commits(tmp_path / "repo", base, head)
    found = [(f.code, f.message, f"{f.location.path}:{f.location.line}") for f in diff_git(repo, b, h).findings]
    assert found == [
        (
            "K8S025",
            "PodDisruptionBudget prod/api: maxUnavailable 1 → minAvailable 50% of 4 replicas",
            "prod/policy/pdb.yaml:5",
        )
    ]
