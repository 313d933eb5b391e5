"""Render + diff time per chart, on a generated chart with many templates.

    python benchmarks/helm_render.py [--templates 60] [--roots 3] [--runs 3]

Builds a git repository whose chart has N templates (a Deployment, Service and ConfigMap per
component, plus HPAs and PDBs) and R render roots (values.yaml and R-1 ci/ values files), changes
one value in values.yaml, and times (1) loading the chart on one side (materialize + render +
parse), and (2) the whole ``regress diff`` of the two commits (both sides, every root, diff,
rules). Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regress.api import diff_git
from regress.kinds.base import LoadContext, ParseCache, Unit
from regress.kinds.helm.handler import KIND, HelmHandler
from regress.kinds.helm.render import available_backends
from regress.model import Side
from regress.source.folder import FolderSnapshot
from tests.gitrepo import two_commits

DEPLOYMENT = """\
{{- $c := .Values.components.NAME }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-NAME
  labels:
    {{- include "bench.labels" . | nindent 4 }}
spec:
  replicas: {{ $c.replicas }}
  selector:
    matchLabels: {app: NAME}
  template:
    metadata:
      labels: {app: NAME}
    spec:
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: NAME
          image: "{{ .Values.image.repository }}/NAME:{{ .Values.image.tag }}"
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-NAME
spec:
  selector: {app: NAME}
  ports:
    - port: 80
      targetPort: 8080
"""
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-NAME
data:
  {{- range $k, $v := .Values.components.NAME.config }}
  {{ $k }}: {{ $v | quote }}
  {{- end }}
"""
PDB = """\
{{- if .Values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .Release.Name }}-NAME
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: NAME}
{{- end }}
"""
HELPERS = '{{- define "bench.labels" -}}\napp.kubernetes.io/managed-by: {{ .Release.Service }}\n{{- end }}\n'


def chart(templates: int, roots: int, replicas: int) -> dict[str, str]:
    components = max(1, templates // 4)
    files = {
        "charts/bench/Chart.yaml": "apiVersion: v2\nname: bench\nversion: 1.0.0\n",
        "charts/bench/templates/_helpers.tpl": HELPERS,
    }
    values = [
        "image: {repository: registry.example/bench, tag: '1.0'}",
        "pdb: {enabled: true}",
        "podSecurityContext: {runAsNonRoot: true, runAsUser: 10001}",
        "securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}",
        "components:",
    ]
    for i in range(components):
        name = f"svc{i:02d}"
        for kind, body in (("deployment", DEPLOYMENT), ("service", SERVICE), ("configmap", CONFIGMAP), ("pdb", PDB)):
            files[f"charts/bench/templates/{name}/{kind}.yaml"] = body.replace("NAME", name)
        count = replicas if i == 0 else 2
        values.append(
            f"  {name}:\n    replicas: {count}\n    resources: {{limits: {{memory: 256Mi}}}}\n"
            f"    config: {{mode: fast, level: '{i}'}}"
        )
    files["charts/bench/values.yaml"] = "\n".join(values) + "\n"
    for r in range(1, roots):
        files[f"charts/bench/ci/env{r}-values.yaml"] = f"image: {{tag: '1.{r}'}}\n"
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--templates", type=int, default=60)
    parser.add_argument("--roots", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"renderers: {', '.join(b.value for b in available_backends()) or 'none'}")
    base, head = chart(args.templates, args.roots, 4), chart(args.templates, args.roots, 2)
    loads, diffs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        repo, b, h = two_commits(Path(tmp) / "repo", base, head)
        snapshot = FolderSnapshot(repo)
        for _ in range(args.runs):
            started = time.perf_counter()
            result = HelmHandler().load(Unit(KIND, "charts/bench"), LoadContext(snapshot, Side.HEAD, ParseCache()))
            loads.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = diff_git(repo, b, h)
            diffs.append(time.perf_counter() - started)
    objects = sum(1 for o in result.objects if o.family == "kubernetes")
    print(f"chart: {len(base) - 2} templates, {args.roots} render roots, {objects} rendered objects per side")
    print(f"load one side (materialize + render + parse), median of {args.runs}: {statistics.median(loads):.2f} s")
    print(f"regress diff (both sides, all roots, diff, rules), median of {args.runs}: {statistics.median(diffs):.2f} s")
    print(f"findings: {[f'{f.code} {f.location}' for f in report.findings]}")


if __name__ == "__main__":
    main()
