"""Inline suppressions: comments that tell a scanner to skip a check for the code beside them.

Loaders drop comments, so the handlers of the files these comments live in (Terraform modules,
Dockerfiles, workflows, Kubernetes manifests) also pass the file's text through ``scan`` and add
one ``inline-suppressions`` object per scope (a Terraform module folder, else the file) when it
holds any marker. The markers, as each tool documents them:

- Checkov: ``#checkov:skip=<CHECK_ID>[:<reason>]`` inside the resource (Terraform) or anywhere in a
  Dockerfile (checkov docs, "Suppressing/Skipping");
- Trivy: ``#trivy:ignore:<ID>`` on the line before the block or attribute it silences, with
  optional ``:exp:YYYY-MM-DD``, ``:ws:<workspace>`` and ``[attr=value]`` selectors (trivy docs,
  "Filtering", inline comments); the check ID is what counts;
- KICS: ``# kics-scan ignore`` (the whole file), ``# kics-scan ignore-line``, ``# kics-scan
  ignore-block`` and ``# kics-scan disable=<query id>,…`` (KICS docs, "Using comments");
- zizmor: ``# zizmor: ignore[<audit>,…]`` at the end of the line it silences (zizmor docs,
  "Ignoring results").

Markers are counted per (tool, check) within the scope: a resource renamed or moved between the
files of a module with its comment, or a version bump on the annotated line, changes nothing; one
more comment for a check is a new suppression. Each marker remembers the block or line it sits on
(``anchor``) only to point at the new one.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from regress.kinds.base import LoadContext
from regress.kinds.gates import invocations
from regress.kinds.gates.bandit_config import BanditRollout
from regress.kinds.gates.model import FAMILY
from regress.model import ModelObject, Origin, Route

TYPE = "inline-suppressions"
#: Security suppressions in source code (``source_code.py``), a type of their own so the IaC
#: suppression rules never see them.
SOURCE_TYPE = "source-suppressions"


class Syntax(enum.StrEnum):
    HCL = "hcl"
    DOCKERFILE = "dockerfile"
    YAML = "yaml"
    #: A CloudFormation template in YAML: a marker belongs to the resource it sits in or before.
    CLOUDFORMATION = "cloudformation"


class Tool(enum.StrEnum):
    CHECKOV = "checkov"
    TRIVY = "trivy"
    KICS = "kics"
    ZIZMOR = "zizmor"
    # Source-code suppressions (``source_code.py``).
    BANDIT = "bandit"
    GOSEC = "gosec"
    GOLANGCI = "golangci-lint"
    RUFF = "ruff"
    ESLINT = "eslint"
    SONAR = "sonar"


_CHECKOV = re.compile(r"#\s*checkov:skip=(?P<ids>[A-Za-z0-9_,-]+)")
_TRIVY = re.compile(r"#\s*trivy:ignore:(?P<ids>[A-Za-z0-9_.-]+)")
_KICS = re.compile(
    r"#\s*kics-scan\s+(?P<what>ignore-line|ignore-block|ignore|disable\s*=\s*(?P<ids>[A-Za-z0-9_,\s-]+))"
)
_ZIZMOR = re.compile(r"#\s*zizmor:\s*ignore\[(?P<ids>[^\]]*)\]")
_HCL_BLOCK = re.compile(r'^\s*(resource|data|module|provider)\s+"([^"]+)"(?:\s+"([^"]+)")?')
_YAML_KEY = re.compile(r"^\s*(?:-\s+)*['\"]?([^'\"#:\s][^'\"#:]*?)['\"]?\s*:(?:\s|$)")


@dataclass(frozen=True, slots=True)
class Marker:
    tool: Tool
    #: The check it silences (a check ID, a query ID, an audit name), or ``*`` for all.
    check: str
    path: str
    line: int
    #: What it sits on: a Terraform block address, a Dockerfile instruction, a YAML key.
    anchor: str

    @property
    def key(self) -> str:
        return f"{self.tool.value}:{self.check}"


def scan(path: str, text: str, syntax: Syntax) -> list[Marker]:
    """Every suppression marker in a file's comments."""
    lines = text.splitlines()
    out: list[Marker] = []
    for i, line in enumerate(lines):
        if "#" not in line:
            continue
        for tool, check in _markers(line):
            whole_file = tool is Tool.KICS and check == "*"
            out.append(Marker(tool, check, path, i + 1, "(file)" if whole_file else _anchor(lines, i, syntax)))
    return out


def _markers(line: str) -> list[tuple[Tool, str]]:
    found: list[tuple[Tool, str]] = []
    for m in _CHECKOV.finditer(line):
        found.extend((Tool.CHECKOV, c) for c in _ids(m.group("ids")))
    for m in _TRIVY.finditer(line):
        # ``AVD-AWS-0089:exp:2025-01-01`` and ``:ws:`` qualifiers follow the ID after a colon.
        found.append((Tool.TRIVY, m.group("ids")))
    for m in _KICS.finditer(line):
        what = m.group("what")
        if m.group("ids"):
            found.extend((Tool.KICS, c) for c in _ids(m.group("ids")))
        else:
            found.append((Tool.KICS, "*" if what == "ignore" else what))
    for m in _ZIZMOR.finditer(line):
        found.extend((Tool.ZIZMOR, c) for c in _ids(m.group("ids")))
    return found


def _ids(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,\s]+", text) if p.strip()]


def _anchor(lines: list[str], at: int, syntax: Syntax) -> str:
    code = lines[at].split("#", 1)[0].strip()
    follows = next((ln for ln in lines[at + 1 :] if ln.strip() and not ln.strip().startswith("#")), "")
    if syntax is Syntax.HCL:
        # A comment before a block (trivy, kics ignore-block) is about that block; one inside a
        # block (checkov, or a trailing one on an attribute) about the block it is in.
        header = _HCL_BLOCK.match(follows)
        if header is None:
            header = next((m for ln in reversed(lines[: at + 1]) if (m := _HCL_BLOCK.match(ln))), None)
        return _address(header) if header is not None else "(file)"
    if syntax is Syntax.DOCKERFILE:
        target = code or follows.strip()
        return f"`{target.split()[0].upper()}`" if target else "(file)"
    if syntax is Syntax.CLOUDFORMATION and (resource := _cfn_resource(lines, at)) is not None:
        return f"`{resource}`"
    target = code or follows
    m = _YAML_KEY.match(target)
    return f"`{m.group(1)}:`" if m else "(file)"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _cfn_resource(lines: list[str], at: int) -> str | None:
    """The logical id of the resource a comment on line ``at`` is about: the one it sits in
    (Checkov reads a skip comment anywhere inside the resource) or, between resources, the one it
    precedes (Trivy's comment goes on the line before)."""
    start = next((i for i in range(at, -1, -1) if re.match(r"['\"]?Resources['\"]?\s*:", lines[i])), None)
    if start is None:
        return None
    code = [
        (i, ln) for i, ln in enumerate(lines[start + 1 :], start + 1) if ln.strip() and not ln.strip().startswith("#")
    ]
    if not code or _indent(code[0][1]) == 0:
        return None
    depth = _indent(code[0][1])
    here = lines[at].split("#", 1)[0]
    after = [ln for i, ln in code if i > at]
    if here.strip() and _indent(here) == depth:
        line = here
    elif after and _indent(after[0]) == depth:
        line = after[0]
    else:
        line = next((ln for i, ln in reversed(code) if i < at and _indent(ln) <= depth), "")
    m = _YAML_KEY.match(line) if line and _indent(line) == depth else None
    return m.group(1) if m else None


def _address(m: re.Match[str]) -> str:
    labels = ".".join(p for p in (m.group(2), m.group(3)) if p)
    return labels if m.group(1) == "resource" else f"{m.group(1)}.{labels}"


@dataclass(frozen=True, slots=True)
class InlineSuppressions:
    """Typed view of one scope's markers."""

    scope: str
    markers: tuple[Marker, ...]
    #: Source files only, on the head side: which bandit tests each side runs, for the ``nosec``
    #: comments of tests the base never ran (``bandit_config.py``).
    bandit: BanditRollout | None = None
    #: On the head side, the tools of these markers that the change brings in (the base runs them
    #: nowhere, ``invocations.py``): their suppressions hide nothing the base checked.
    introduced: frozenset[str] = frozenset()

    def counts(self) -> Counter[str]:
        return Counter(m.key for m in self.markers)


@dataclass(frozen=True, slots=True)
class MarkerSourceMap:
    """Route ``("markers", i)`` is the i-th marker's line; anything else the scope's first file."""

    markers: tuple[Marker, ...]
    path: str

    def locate(self, route: Route) -> tuple[str, int | None]:
        if len(route) == 2 and route[0] == "markers" and isinstance(route[1], int) and route[1] < len(self.markers):
            marker = self.markers[route[1]]
            return marker.path, marker.line
        return self.path, None


def suppressions_object(
    kind: str, scope: str, files: Sequence[tuple[str, str]], syntax: Syntax, ctx: LoadContext | None = None
) -> ModelObject | None:
    """The scope's ``inline-suppressions`` object, or None when its files hold no marker. With
    ``ctx``, the head side's object records which of its tools the change brings in."""
    markers: list[Marker] = []
    for path, text in files:
        markers.extend(scan(path, text, syntax))
    if not markers:
        return None
    new = invocations.introduced(ctx, {m.tool.value for m in markers}) if ctx is not None else frozenset()
    facts = InlineSuppressions(scope, tuple(markers), introduced=new)
    first = markers[0].path
    return ModelObject(
        family=FAMILY,
        type=TYPE,
        key=("inline", scope),
        body={"suppressions": dict(sorted(facts.counts().items()))},
        origin=Origin(kind, first, MarkerSourceMap(tuple(markers), first)),
        label=f"inline scanner suppressions in {scope}",
        facts=facts,
    )
